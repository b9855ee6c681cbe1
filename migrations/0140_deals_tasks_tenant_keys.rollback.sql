alter policy rls_task_activities_own_task on deals.task_activities
    using (exists (select from deals.tasks as t where t.id = task_id));
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id;
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint pk_task_activities;
alter table deals.task_activities add constraint pk_task_activities primary key (id);
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint pk_tasks;
alter table deals.tasks add constraint pk_tasks primary key (id);
alter table deals.task_activities
    add constraint fk_task_activities_task_id foreign key (task_id) references deals.tasks (id) on delete cascade;
-- Dropping the keys dropped the indexes 0134 and 0139 built: they come back, so those migrations
-- are undone by their own rollbacks; 0137's foreign key names tasks' again.
create unique index pk_task_activities_id_user_id on deals.task_activities (id, user_id);
create unique index pk_tasks_id_user_id on deals.tasks (id, user_id);
alter table deals.task_activities
    add constraint fk_task_activities_task_id_user_id foreign key (task_id, user_id)
        references deals.tasks (id, user_id) on delete cascade;
