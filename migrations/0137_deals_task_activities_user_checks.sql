-- depends: 0136_deals_task_activities_user_fill
--
-- deals: task_activities' user_id is not null and is its task's, as constraints NOT VALID: they
-- hold for every write from here on, and adding them scans nothing; 0138 validates them without
-- blocking writes. The foreign key holds the tenant on both sides (tasks' unique index (id,
-- user_id), 0134); the id-only one goes in 0140.
alter table deals.task_activities
    add constraint ck_task_activities_user_id_not_null check (user_id is not null) not valid;
alter table deals.task_activities
    add constraint fk_task_activities_task_id_user_id foreign key (task_id, user_id)
        references deals.tasks (id, user_id) on delete cascade not valid;
