-- depends: 0022_deals_goals_match_order
-- transactional: false
--
-- list_tasks_for_agent: one agent's tasks in one status, ordered by priority, due date (nulls
-- last), creation and id. The planner combined ix_tasks_agent_id with the low-selectivity
-- ix_tasks_status (a handful of statuses over all tasks) in a BitmapAnd, then sorted. This index
-- returns exactly the rows asked for, already in order: no bitmap over a status, no sort.
-- CONCURRENTLY: the table is live; the build must not block writes.
create index concurrently ix_tasks_agent_id_status_priority_due_date_created_at_id
    on deals.tasks (agent_id, status, priority, due_date, created_at, id);
