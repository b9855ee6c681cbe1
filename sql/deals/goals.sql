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
-- Active, unexpired goals a deal satisfies: same category, within budget, enough discount, at or under target.
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
order by priority, created_at, id
limit :lim;

-- name: touch_goal_checked(id)!
-- Stamp when the agents last searched for this goal.
update deals.goals
set last_checked_at = statement_timestamp()
where id = :id;

-- name: delete_goal(id)!
-- Delete a goal with its deals and tasks.
delete from deals.goals
where id = :id;
