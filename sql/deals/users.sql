-- name: insert_user(email, name, password_hash, sol_address, referral_code, referred_by, preferences, notification_channels)<!
-- Insert a user whose password is already hashed; returns the user without the hash.
insert into deals.users (
    email, name, password, sol_address, referral_code, referred_by, preferences, notification_channels
)
values (
    :email, :name, :password_hash, :sol_address, :referral_code, :referred_by, :preferences, :notification_channels
)
returning id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
          notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
          active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
          created_at, updated_at;

-- name: get_user_by_id(id)^
-- The user with this id.
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where id = :id;

-- name: get_user_by_email(email)^
-- The user with this email (emails are stored lowercased).
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where email = :email;

-- name: get_user_by_referral_code(referral_code)^
-- The user who owns this referral code.
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where referral_code = :referral_code;

-- name: get_user_by_wallet(sol_address)^
-- The user with this Solana wallet address.
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where sol_address = :sol_address;

-- name: get_login_by_email(email)^
-- The user's id, status and password hash, for verification only; never returned to callers (the
-- app role cannot select the column: the SECURITY DEFINER function hands over this one user's hash).
select id, status, deals.login_password_hash(id) as password_hash
from deals.users
where email = :email;

-- name: get_referral_chain(id)
-- The user's referrers, nearest first (who referred them, who referred that one, ...); stops at a cycle.
with recursive chain (id, depth, visited) as (
    select referred_by, 1, array[id]
    from deals.users
    where id = :id
      and referred_by is not null
    union all
    select u.referred_by, chain.depth + 1, chain.visited || u.id
    from chain
    join deals.users as u on u.id = chain.id
    where u.referred_by is not null
      and u.referred_by <> all (chain.visited || u.id)
      and chain.depth < 100
)
select u.id, u.email, u.name, u.referral_code, u.referred_by, chain.depth
from chain
join deals.users as u on u.id = chain.id
order by chain.depth;

-- name: list_referred_users(id, lim)
-- The users this user referred directly, oldest first.
select id, email, name, referral_code, referred_by, 1 as depth
from deals.users
where referred_by = :id
order by created_at, id
limit :lim;

-- name: set_user_status(id, status)<!
-- Change a user's status.
update deals.users
set status = :status
where id = :id
returning id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
          notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
          active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
          created_at, updated_at;

-- name: record_user_login(id)!
-- Stamp the user's last login.
update deals.users
set last_login_at = statement_timestamp()
where id = :id;

-- name: delete_user(id)!
-- Delete a user with their goals, deals, tokens, messages and notifications.
delete from deals.users
where id = :id;

-- name: get_user_by_social(social_provider, social_id)^
-- The user linked to this social login.
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where social_provider = :social_provider
  and social_id = :social_id;

-- name: link_user_social(id, social_provider, social_id)<!
-- Link a social login (provider and id) to a user; uq_users_social_provider_social_id keeps it one account.
update deals.users
set social_provider = :social_provider,
    social_id = :social_id
where id = :id
returning id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
          notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
          active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
          created_at, updated_at;

-- name: update_user_profile(id, name, preferences, notification_channels)<!
-- Replace a user's name, preferences and notification channels.
update deals.users
set name = :name,
    preferences = :preferences,
    notification_channels = :notification_channels
where id = :id
returning id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
          notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
          active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
          created_at, updated_at;

-- name: mark_user_email_verified(id)<!
-- Mark a user's email verified.
update deals.users
set email_verified = true
where id = :id
returning id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
          notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
          active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
          created_at, updated_at;

-- name: get_login_by_id(id)^
-- The user's id, status and password hash, for verification only; never returned to callers (the
-- app role cannot select the column: the SECURITY DEFINER function hands over this one user's hash).
select id, status, deals.login_password_hash(id) as password_hash
from deals.users
where id = :id;

-- name: set_user_password_hash(id, password_hash)!
-- Store a new password hash for a user.
update deals.users
set password = :password_hash
where id = :id;

-- name: list_users_by_status(status, after_created_at, after_id, lim)
-- Users with this status, oldest first, one keyset page after (created_at, id); reads
-- ix_users_status_created_at_id in order and stops at the limit.
select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences, status,
       notification_channels, email_verified, social_provider, social_id, last_payment_at, last_login_at,
       active_goals_count, total_deals_found, success_rate, total_tokens_spent, total_rewards_earned,
       created_at, updated_at
from deals.users
where status = :status
  and (created_at, id) > (:after_created_at, :after_id)
order by created_at, id
limit :lim;
