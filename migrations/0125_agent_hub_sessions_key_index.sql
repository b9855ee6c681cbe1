-- depends: 0124_agent_hub_events_user_trigger_when
-- transactional: false
--
-- agent_hub: the index of sessions' tenant key (id, user_id), built without blocking writes; 0126
-- makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_sessions_id_user_id on agent_hub.sessions (id, user_id);
