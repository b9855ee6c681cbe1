drop index concurrently if exists ai_seo.uq_agent_tasks_id_client_id;
