-- depends: 0138_deals_task_activities_user_not_null
-- transactional: false
--
-- deals: the index of task_activities' tenant key (id, user_id), built without blocking writes;
-- 0140 makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_task_activities_id_user_id
    on deals.task_activities (id, user_id);
