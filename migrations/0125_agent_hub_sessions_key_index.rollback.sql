drop index concurrently if exists agent_hub.pk_sessions_id_user_id;
