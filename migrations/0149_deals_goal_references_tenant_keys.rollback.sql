-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint fk_token_transactions_goal_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_goal_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.chat_messages drop constraint fk_chat_messages_goal_id_user_id;
drop function deals.delete_goal(uuid);
