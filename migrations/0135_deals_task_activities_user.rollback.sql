drop trigger tg_task_activities_user on deals.task_activities;
alter table deals.task_activities drop column user_id;
