alter table deals.task_activities alter column user_id drop not null;
alter table deals.task_activities
    add constraint ck_task_activities_user_id_not_null check (user_id is not null) not valid;
-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0137 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id_user_id;
alter table deals.task_activities
    add constraint fk_task_activities_task_id_user_id foreign key (task_id, user_id)
        references deals.tasks (id, user_id) on delete cascade not valid;
