alter table easyflow.conversations add constraint uq_conversations_session_id unique (session_id);
-- squawk-ignore ban-drop-constraint
alter table easyflow.conversations drop constraint uq_conversations_session_id_user_id;
