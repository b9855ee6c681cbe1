drop index concurrently if exists agent_hub.uq_sessions_id_user_id;
