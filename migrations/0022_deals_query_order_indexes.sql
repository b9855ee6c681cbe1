-- depends: 0021_deals_derived_data
--
-- Two indexes that let hot queries read rows in their ORDER BY's order and stop at their LIMIT,
-- so their cost follows the page size, not the table (issue 18: both grew ~4-11x from small to
-- medium scale while the median query stayed flat).
--
-- find_goals_matching_deal: the active goals of a category a deal satisfies, in
-- (priority, created_at, id) order, 50 at a time. The only index for it was
-- ix_goals_category_max_budget_active (category, max_budget), which the `max_budget is null or
-- max_budget >= $price` condition splits into a BitmapOr over nearly every active goal of the
-- category; all of them were read and sorted to keep 50 (at medium: 6,039 heap blocks and a sort of
-- 20,707 rows). This index holds each category's active goals in the query's order: the scan checks
-- budget, discount, target price and end date on each goal it reads and stops at the 50th match.
create index ix_goals_category_priority_created_at_id_active
    on deals.goals (category, priority, created_at, id) where status = 'active';

-- list_tasks_for_agent: one agent's tasks in one status, ordered by priority, due date (nulls last),
-- creation and id. The planner combined ix_tasks_agent_id with the low-selectivity ix_tasks_status
-- (a handful of statuses over all tasks) in a BitmapAnd, then sorted. This index finds exactly the
-- rows asked for, already in order.
create index ix_tasks_agent_id_status_priority_due_date_created_at_id
    on deals.tasks (agent_id, status, priority, due_date, created_at, id);

-- Plain CREATE INDEX, in the migration's transaction: CREATE INDEX CONCURRENTLY waits for every open
-- transaction, including a second `sqlfirst migrate up` waiting for the migration lock, and would
-- time out on it. On big live tables apply this in a maintenance window (writes wait for the build).
