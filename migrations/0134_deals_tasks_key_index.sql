-- depends: 0133_deals_goal_tenant_key
-- transactional: false
--
-- deals: the index of tasks' tenant key (id, user_id), built without blocking writes (issue 16,
-- sql/deals/citus.toml): task_activities' foreign key names it from 0137 on, and 0140 makes it the
-- primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_tasks_id_user_id on deals.tasks (id, user_id);
