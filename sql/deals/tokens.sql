-- name: deduct_tokens(user_id, amount, description, goal_id, meta_data)<!
-- Take tokens from a user atomically (transaction, balance, history, totals); SF001 when the balance is short.
select id, user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
from deals.deduct_tokens(:user_id, :amount, :description, :goal_id, :meta_data);

-- name: reward_tokens(user_id, amount, description, goal_id, meta_data)<!
-- Give a user tokens atomically (transaction, balance, history, total rewards).
select id, user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
from deals.reward_tokens(:user_id, :amount, :description, :goal_id, :meta_data);

-- name: refund_tokens(user_id, amount, description, goal_id, meta_data)<!
-- Give spent tokens back atomically; never more than the user has spent.
select id, user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
from deals.refund_tokens(:user_id, :amount, :description, :goal_id, :meta_data);

-- name: get_token_balance(user_id)$
-- A user's token balance.
select token_balance
from deals.users
where id = :user_id;

-- name: list_balance_history(user_id, lim)
-- A user's balance changes, newest first.
select id, user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
from deals.token_balance_history
where user_id = :user_id
order by created_at desc, id desc
limit :lim;

-- name: list_token_transactions(user_id, lim)
-- A user's token transactions, newest first.
select id, user_id, type, amount, status, description, goal_id, tx_hash, created_at, updated_at, meta_data
from deals.token_transactions
where user_id = :user_id
order by created_at desc, id desc
limit :lim;

-- name: set_transaction_hash(id, tx_hash)<!
-- Attach the on-chain transaction hash to a token transaction.
update deals.token_transactions
set tx_hash = :tx_hash
where id = :id
returning id, user_id, type, amount, status, description, goal_id, tx_hash, created_at, updated_at, meta_data;
