drop index concurrently if exists agent_hub.uq_events_id_user_id;
