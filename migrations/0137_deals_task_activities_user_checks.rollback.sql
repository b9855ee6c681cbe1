-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint fk_task_activities_task_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint ck_task_activities_user_id_not_null;
