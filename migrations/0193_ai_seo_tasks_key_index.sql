-- depends: 0192_ai_seo_task_client_not_null
-- transactional: false
--
-- ai_seo: the unique index of agent_tasks' tenant key (id, client_id), built without blocking
-- writes; 0194 makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_agent_tasks_id_client_id on ai_seo.agent_tasks (id, client_id);
