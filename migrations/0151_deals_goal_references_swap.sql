-- depends: 0150_deals_goal_references_validate
--
-- deals: the id-only keys of chat messages, notifications and token transactions to their goal (on
-- delete set null) go; 0149's, which hold the same rule with the tenant on both sides, take their
-- names (an error still names fk_chat_messages_goal_id, fk_notifications_goal_id or
-- fk_token_transactions_goal_id). Catalog changes only: the locks last an instant.
--
-- From here a goal something points at is deleted by deals.delete_goal (goals.delete), which
-- clears those references first; a raw delete of such a goal is refused by the key.
-- squawk-ignore ban-drop-constraint
alter table deals.chat_messages drop constraint fk_chat_messages_goal_id;
-- squawk-ignore renaming-object
alter table deals.chat_messages rename constraint fk_chat_messages_goal_id_user_id to fk_chat_messages_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_goal_id;
-- squawk-ignore renaming-object
alter table deals.notifications rename constraint fk_notifications_goal_id_user_id to fk_notifications_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint fk_token_transactions_goal_id;
-- squawk-ignore renaming-object
alter table deals.token_transactions rename constraint fk_token_transactions_goal_id_user_id to fk_token_transactions_goal_id;
