alter table easyflow.conversations add constraint uq_conversations_session_id unique (session_id);
-- squawk-ignore ban-drop-constraint
alter table easyflow.conversations drop constraint uq_conversations_session_id_user_id;
-- Dropping the constraint dropped the index 0108 built: it comes back, so 0108 is undone by its own rollback.
create unique index uq_conversations_session_id_user_id on easyflow.conversations (session_id, user_id);
