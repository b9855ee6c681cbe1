-- depends: 0153_deals_token_transactions_key_index
--
-- deals: a balance history row points at its token transaction with the tenant on both sides,
-- (transaction_id, user_id) -> token_transactions (id, user_id) (issue 16, sql/deals/citus.toml).
-- The id-only key it replaces (0156) nulled transaction_id when a transaction was deleted (on
-- delete set null), which Citus refuses on a key holding the distribution column
-- (citusdata/citus#7132). No operation deletes a token transaction: they are the ledger, and a
-- user's deletion takes its transactions and its history in one statement (the no-action check
-- runs at its end). So the new key takes no action, and a raw delete of a transaction that moved
-- a balance is refused, naming the key, instead of leaving its history row unlinked.
--
-- NOT VALID: adding it scans nothing and it holds for every write from here on; 0155 validates it
-- without blocking writes (a history row pointing at another user's transaction fails it, naming
-- the key; the token functions write the transaction and its history for one user).
alter table deals.token_balance_history
    add constraint fk_token_balance_history_transaction_id_user_id foreign key (transaction_id, user_id)
        references deals.token_transactions (id, user_id) not valid;
