-- depends: 0140_deals_tasks_tenant_keys
--
-- deals: 0140's foreign key from task_activities to tasks' new key validated (SHARE UPDATE
-- EXCLUSIVE on task_activities, ROW SHARE on tasks: writes and reads go on while it scans).
alter table deals.task_activities validate constraint fk_task_activities_task_id;
