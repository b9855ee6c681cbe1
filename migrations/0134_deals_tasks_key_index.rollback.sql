drop index concurrently if exists deals.pk_tasks_id_user_id;
