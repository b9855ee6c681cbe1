-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint ck_events_user_id_not_null;
