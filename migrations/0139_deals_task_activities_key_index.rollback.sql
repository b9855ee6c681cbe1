drop index concurrently if exists deals.pk_task_activities_id_user_id;
