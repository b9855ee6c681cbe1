-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0140 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id;
alter table deals.task_activities
    add constraint fk_task_activities_task_id foreign key (task_id, user_id)
        references deals.tasks (id, user_id) on delete cascade not valid;
