-- depends: 0137_deals_task_activities_user_checks
--
-- deals: 0136's fill once more, then 0137's two constraints validated (SHARE UPDATE EXCLUSIVE:
-- writes and reads go on while it scans); SET NOT NULL then finds the validated check proves the
-- column and scans nothing, and the check goes.
update deals.task_activities as a
set user_id = t.user_id
from deals.tasks as t
where t.id = a.task_id
  and a.user_id is null;
alter table deals.task_activities validate constraint ck_task_activities_user_id_not_null;
alter table deals.task_activities validate constraint fk_task_activities_task_id_user_id;
alter table deals.task_activities alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.task_activities drop constraint ck_task_activities_user_id_not_null;
