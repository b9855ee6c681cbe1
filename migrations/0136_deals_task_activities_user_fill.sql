-- depends: 0135_deals_task_activities_user
--
-- deals: the task activities written before 0135 get their task's user. One UPDATE: it locks the
-- rows it writes and reads tasks under ACCESS SHARE, so inserts and reads go on. Rows written
-- meanwhile carry user_id already; 0138 fills once more whatever was left, before it validates.
update deals.task_activities as a
set user_id = t.user_id
from deals.tasks as t
where t.id = a.task_id
  and a.user_id is null;
