-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint fk_session_messages_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint ck_session_messages_user_id_not_null;
