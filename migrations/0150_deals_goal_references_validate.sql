-- depends: 0149_deals_goal_references_tenant_keys
--
-- deals: 0149's keys are checked against every existing row. VALIDATE takes SHARE UPDATE EXCLUSIVE
-- on the referencing table and ROW SHARE on goals: reads and writes go on while it scans. A row
-- that points at a goal of another user fails it, naming the key (no write through sqlfirst could
-- make one: the row-level security policies and the token functions check the goal's owner).
alter table deals.chat_messages validate constraint fk_chat_messages_goal_id_user_id;
alter table deals.notifications validate constraint fk_notifications_goal_id_user_id;
alter table deals.token_transactions validate constraint fk_token_transactions_goal_id_user_id;
