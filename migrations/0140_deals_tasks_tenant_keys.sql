-- depends: 0139_deals_task_activities_key_index
--
-- deals: tasks and their activities are keyed (id, user_id) on 0134's and 0139's indexes (renamed
-- pk_tasks and pk_task_activities), as Citus requires of every key of a table distributed by
-- user_id (issue 16, sql/deals/citus.toml). The id-only foreign key of task_activities goes; 0137's,
-- which holds the same rule with the tenant on both sides, moves to tasks' new primary key under
-- the old name (an error still names fk_task_activities_task_id): dropped and added again NOT VALID
-- in this one transaction (no write can come between), so nothing is scanned here; 0141 validates
-- it without blocking writes. Catalog changes only: the locks last an instant.
--
-- A task's and an activity's id stay unique by being uuids the server draws (no query names one).
-- Row-level security finds the activities a user may touch by the row's own user; what a user
-- writes is still checked against the task (another user's task and an unknown one alike).
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id;
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint pk_tasks;
alter table deals.tasks add constraint pk_tasks primary key using index pk_tasks_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint pk_task_activities;
alter table deals.task_activities
    add constraint pk_task_activities primary key using index pk_task_activities_id_user_id;
alter table deals.task_activities
    add constraint fk_task_activities_task_id foreign key (task_id, user_id)
        references deals.tasks (id, user_id) on delete cascade not valid;
alter policy rls_task_activities_own_task on deals.task_activities
    using (user_id = (select core.acting_user()));
