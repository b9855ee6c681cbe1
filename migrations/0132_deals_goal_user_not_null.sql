-- depends: 0131_deals_goal_user_checks
--
-- deals: 0130's fill once more, then 0131's constraints validated (SHARE UPDATE EXCLUSIVE: writes
-- and reads go on while it scans); SET NOT NULL then finds the validated check proves the column
-- and scans nothing, and the check goes. (The fills lock the rows they write, a few if any.)
update deals.deals as d
set user_id = g.user_id
from deals.goals as g
where g.id = d.goal_id
  and d.user_id is null;
update deals.tasks as t
set user_id = g.user_id
from deals.goals as g
where g.id = t.goal_id
  and t.user_id is null;
alter table deals.deals validate constraint ck_deals_user_id_not_null;
alter table deals.deals validate constraint fk_deals_goal_id_user_id;
alter table deals.tasks validate constraint ck_tasks_user_id_not_null;
alter table deals.tasks validate constraint fk_tasks_goal_id_user_id;
-- Last, after every scan: SET NOT NULL takes ACCESS EXCLUSIVE until commit, which must not be held
-- on deals while tasks are read.
alter table deals.deals alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint ck_deals_user_id_not_null;
alter table deals.tasks alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint ck_tasks_user_id_not_null;
