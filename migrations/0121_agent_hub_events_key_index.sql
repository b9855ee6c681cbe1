-- depends: 0120_agent_hub_events_user_not_null
-- transactional: false
--
-- agent_hub: the index of events' tenant key (id, user_id), built without blocking writes; 0123
-- makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_events_id_user_id on agent_hub.events (id, user_id);
