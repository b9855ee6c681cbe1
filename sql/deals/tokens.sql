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

-- name: begin_token_transaction(user_id, type, amount, description, goal_id, tx_hash, meta_data)<!
-- Record a pending token transaction (awaiting on-chain confirmation); no balance moves yet.
insert into deals.token_transactions (user_id, type, amount, status, description, goal_id, tx_hash, created_at, meta_data)
values (:user_id, :type, :amount, 'pending', :description, :goal_id, :tx_hash, clock_timestamp(), :meta_data)
returning id, user_id, type, amount, status, description, goal_id, tx_hash, created_at, updated_at, meta_data;

-- name: complete_token_transaction(id, tx_hash)<!
-- Complete a pending transaction: the balance moves as deduct/reward/refund would; SF203 unless pending.
select id, user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
from deals.complete_token_transaction(:id, :tx_hash);

-- name: settle_token_transaction(id, to_status)<!
-- Mark a pending transaction failed or cancelled (no balance change); the status guard refuses any other move.
update deals.token_transactions
set status = :to_status
where id = :id
returning id, user_id, type, amount, status, description, goal_id, tx_hash, created_at, updated_at, meta_data;

-- name: get_token_transaction_by_hash(tx_hash)^
-- The token transaction with this on-chain hash.
select id, user_id, type, amount, status, description, goal_id, tx_hash, created_at, updated_at, meta_data
from deals.token_transactions
where tx_hash = :tx_hash;
