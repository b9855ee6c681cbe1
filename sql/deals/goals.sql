-- name: insert_goal(user_id, title, description, category, constraints, priority, start_date, end_date, max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold, max_matches, max_tokens, meta_data)<!
-- Create a goal (active); start_date defaults to now.
insert into deals.goals (
    user_id, title, description, category, constraints, priority, start_date, end_date, max_budget,
    min_discount_percent, target_price, notification_threshold, auto_buy_threshold, max_matches, max_tokens,
    meta_data
)
values (
    :user_id, :title, :description, :category, :constraints, :priority, coalesce(:start_date, now()), :end_date,
    :max_budget, :min_discount_percent, :target_price, :notification_threshold, :auto_buy_threshold,
    :max_matches, :max_tokens, :meta_data
)
returning id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
          max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
          max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
          updated_at, meta_data;

-- name: get_goal_by_id(id)^
-- The goal with this id.
select id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
       max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
       max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
       updated_at, meta_data
from deals.goals
where id = :id;

-- name: list_goals_by_user(user_id, lim)
-- A user's goals, newest first.
select id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
       max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
       max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
       updated_at, meta_data
from deals.goals
where user_id = :user_id
order by created_at desc, id desc
limit :lim;

-- name: list_goals_by_user_status(user_id, status, lim)
-- A user's goals in one status, newest first.
select id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
       max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
       max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
       updated_at, meta_data
from deals.goals
where user_id = :user_id
  and status = :status
order by created_at desc, id desc
limit :lim;

-- name: transition_goal_status(id, from_statuses, to_status)<!
-- Move a goal to a new status, only from one of the given statuses (pause, resume, complete, ...).
update deals.goals
set status = :to_status
where id = :id
  and status = any(:from_statuses)
returning id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
          max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
          max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
          updated_at, meta_data;

-- name: find_goals_matching_deal(category, price, discount_percent, lim)
-- Active, unexpired goals below max_matches a deal satisfies: same category, within budget, enough discount, at or under target.
select id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
       max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
       max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
       updated_at, meta_data
from deals.goals
where status = 'active'
  and category = :category
  and (max_budget is null or max_budget >= :price)
  and (min_discount_percent is null or min_discount_percent <= :discount_percent)
  and (target_price is null or target_price >= :price)
  and (end_date is null or end_date > now())
  and (max_matches is null or total_matches_found < max_matches)
order by priority, created_at, id
limit :lim;

-- name: touch_goal_checked(id)!
-- Stamp when the agents last searched for this goal.
update deals.goals
set last_checked_at = statement_timestamp()
where id = :id;

-- name: delete_goal(id)$
-- Delete a goal with its deals and tasks; chat messages, notifications and token transactions keep their rows, pointing at no goal (1, or 0 when absent).
select deals.delete_goal(:id);

-- name: expire_stale_goals(as_of, lim)!
-- Mark up to lim open (active or paused) goals whose end_date has passed as expired, the oldest
-- end_date first, skipping goals another writer holds; returns how many (sqlfirst.batches:
-- goals.expire_stale repeats it). The ids come from the partial index in end_date order up to the
-- limit, in both plan modes. FOR NO KEY UPDATE, the lock the update itself takes: a writer adding a
-- deal or a task to one of these goals neither blocks the batch nor is blocked by it.
-- Each expired goal's triggers update its owner's counters (active_goals_count, success_rate) at the
-- end of the statement, in the order the goals were updated. Two runs take different goals of the
-- same owners, so each first locks the batch's owners in id order (the owners InitPlan runs before
-- any goal is updated): without that, one could hold owner A waiting for B while the other holds B
-- waiting for A.
with batch as (
    select id, user_id
    from deals.goals
    where status in ('active', 'paused')
      and end_date is not null
      and end_date <= :as_of
    order by end_date
    limit :lim
    for no key update skip locked
), owners as (
    select u.id
    from deals.users as u
    where u.id = any(array(select user_id from batch))
    order by u.id
    for no key update of u
)
update deals.goals as g
set status = 'expired'
where g.id = any(array(select id from batch))
  and (select count(*) from owners) >= 0
  and g.status in ('active', 'paused');

-- name: claim_due_goals(checked_before, lim)
-- Claim active goals due for a check (never checked first, then oldest), skipping goals other agents hold.
with due as (
    select id, last_checked_at
    from deals.goals
    where status = 'active'
      and (last_checked_at is null or last_checked_at < :checked_before)
    order by last_checked_at nulls first, id
    limit :lim
    for update skip locked
),
claimed as (
    update deals.goals as g
    set last_checked_at = statement_timestamp()
    -- = any(array(...)): primary-key lookups of the claimed ids in both plan modes (a join with the
    -- CTE let the generic plan hash-join it against a scan of every goal).
    where g.id = any(array(select id from due))
    returning g.*
)
-- In the order claimed (an UPDATE returns its rows in no particular order).
select c.id, c.user_id, c.title, c.description, c.category, c.constraints, c.status, c.priority,
       c.start_date, c.end_date, c.max_budget, c.min_discount_percent, c.target_price,
       c.notification_threshold, c.auto_buy_threshold, c.max_matches, c.max_tokens, c.total_tokens_spent,
       c.total_matches_found, c.last_checked_at, c.created_at, c.updated_at, c.meta_data
from claimed as c
join due as d on d.id = c.id
order by d.last_checked_at nulls first, d.id;

-- name: lock_goal(id)^
-- The goal with this id, locked for an edit (read, change, write back without losing a concurrent edit).
select id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
       max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
       max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
       updated_at, meta_data
from deals.goals
where id = :id
for update;

-- name: update_goal(id, title, description, constraints, priority, end_date, max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold, max_matches, max_tokens, meta_data)<!
-- Replace a goal's editable terms (not its owner, category, status or counters).
update deals.goals
set title = :title,
    description = :description,
    constraints = :constraints,
    priority = :priority,
    end_date = :end_date,
    max_budget = :max_budget,
    min_discount_percent = :min_discount_percent,
    target_price = :target_price,
    notification_threshold = :notification_threshold,
    auto_buy_threshold = :auto_buy_threshold,
    max_matches = :max_matches,
    max_tokens = :max_tokens,
    meta_data = :meta_data
where id = :id
returning id, user_id, title, description, category, constraints, status, priority, start_date, end_date,
          max_budget, min_discount_percent, target_price, notification_threshold, auto_buy_threshold,
          max_matches, max_tokens, total_tokens_spent, total_matches_found, last_checked_at, created_at,
          updated_at, meta_data;
