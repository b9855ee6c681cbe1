-- A validated key cannot be made NOT VALID again: drop it and add it back as 0149 left it.
-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint fk_token_transactions_goal_id_user_id;
alter table deals.token_transactions
    add constraint fk_token_transactions_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_goal_id_user_id;
alter table deals.notifications
    add constraint fk_notifications_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
-- squawk-ignore ban-drop-constraint
alter table deals.chat_messages drop constraint fk_chat_messages_goal_id_user_id;
alter table deals.chat_messages
    add constraint fk_chat_messages_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
