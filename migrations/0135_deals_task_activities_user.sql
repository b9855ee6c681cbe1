-- depends: 0134_deals_tasks_key_index
--
-- deals: a task's activities carry the task's user (issue 16, sql/deals/citus.toml), as tasks carry
-- their goal's since 0128-0133: Citus distributes them by user_id beside tasks, so the column, the
-- key and the foreign key to the task must hold it (0136-0141).
--
-- * task_activities.user_id, nullable for now (0136 fills the existing rows, 0137-0138 make it NOT
--   NULL): adding a nullable column without a default rewrites nothing.
-- * insert_task_activity writes it (its task's user). A writer that does not name it (a COPY, an
--   ORM) gets its task's from tg_task_activities_user (0129's function), on one server.
-- * An unknown task fails as the foreign key would, naming it (fk_task_activities_task_id). Under
--   row-level security the trigger sees only the acting user's tasks: another user's task leaves
--   user_id null, and the policy refuses the row (PermissionDenied) as it refuses an unknown task's.
alter table deals.task_activities add column user_id uuid;

create trigger tg_task_activities_user
    before insert on deals.task_activities
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('tasks', 'task_id', 'fk_task_activities_task_id');
