-- depends: 0129_deals_goal_user
--
-- deals: the deals and tasks written before 0129 get their goal's user. One UPDATE each: it locks
-- the rows it writes (a price update of one of them waits for it) and reads goals under ACCESS
-- SHARE, so inserts and reads go on. Rows written meanwhile carry user_id already; 0132 fills once
-- more whatever was left, before it validates.
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
