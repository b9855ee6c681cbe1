-- transactional: false
drop index concurrently if exists ai_seo.ix_agent_tasks_agent_id_pending_count;
