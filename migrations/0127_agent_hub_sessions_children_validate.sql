-- depends: 0126_agent_hub_sessions_tenant_key
--
-- agent_hub: 0126's foreign keys from session_messages and events to sessions' new key validated
-- (SHARE UPDATE EXCLUSIVE on each child, ROW SHARE on sessions: appends and reads go on while it
-- scans). Every row already met them under the keys they replaced.
alter table agent_hub.session_messages validate constraint fk_session_messages_session_id_user_id;
alter table agent_hub.events validate constraint fk_events_session_id_user_id;
