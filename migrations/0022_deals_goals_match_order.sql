-- depends: 0021_deals_derived_data
-- transactional: false
--
-- find_goals_matching_deal: the active goals of a category a deal satisfies, in
-- (priority, created_at, id) order, 50 at a time. The only index for it was
-- ix_goals_category_max_budget_active (category, max_budget), which the `max_budget is null or
-- max_budget >= $price` condition splits into a BitmapOr over nearly every active goal of the
-- category; all of them were read and sorted to keep 50 (at medium: 6,039 heap blocks and a sort of
-- 20,707 rows). This index holds the active goals of each category already in the query's order:
-- the scan checks budget, discount, target price and end date on each goal it reads and stops at
-- the 50th match, so the work follows the limit, not the table.
-- CONCURRENTLY: the table is live; the build must not block writes.
create index concurrently ix_goals_category_priority_created_at_id_active
    on deals.goals (category, priority, created_at, id) where status = 'active';
