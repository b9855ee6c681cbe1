-- depends: 0132_deals_goal_user_not_null
--
-- deals: the id-only foreign keys of deals and tasks to their goal go; 0131's, which hold the same
-- rule with the tenant on both sides, take their names (an error still names fk_deals_goal_id or
-- fk_tasks_goal_id). Catalog changes only: the locks last an instant.
--
-- Row-level security finds the rows a user may change or delete (deals) or touch at all (tasks) by
-- the owner on the row itself now, instead of looking up the goal of every row it scans (the
-- foreign key guarantees they agree). What a user writes is still checked against the goal: a row
-- put on someone else's goal (or an unknown one) is refused by the policy, PermissionDenied either
-- way, before the foreign key could tell the two apart. Reading deals keeps 0078's policy: a shared
-- deal is read by everyone, and with `user_id = ...` beside `source not in (...)` (whose enum
-- operator is not leakproof, so the planner may not read its statistics under RLS) the planner
-- expected 7 of 3,265 rows of a search to pass and sorted them all instead of reading in order.
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint fk_deals_goal_id;
-- squawk-ignore renaming-object
alter table deals.deals rename constraint fk_deals_goal_id_user_id to fk_deals_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint fk_tasks_goal_id;
-- squawk-ignore renaming-object
alter table deals.tasks rename constraint fk_tasks_goal_id_user_id to fk_tasks_goal_id;

alter policy rls_deals_update on deals.deals
    using (user_id = (select core.acting_user()));
alter policy rls_deals_delete on deals.deals
    using (user_id = (select core.acting_user()));
alter policy rls_tasks_own_goal on deals.tasks
    using (user_id = (select core.acting_user()));
