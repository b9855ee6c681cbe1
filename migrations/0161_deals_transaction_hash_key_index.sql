-- depends: 0160_deals_auth_token_key_index
-- transactional: false
--
-- deals: the index of token transactions' tenant hash key (tx_hash, user_id), built without blocking
-- writes; 0162 gives it the name of uq_token_transactions_tx_hash (tx_hash), which it replaces. The
-- table itself keeps a hash to one transaction of its user even where a write skips the triggers
-- (a restore with triggers disabled, a replica's apply), and Citus enforces it on each shard.
create unique index concurrently if not exists uq_token_transactions_tx_hash_user_id
    on deals.token_transactions (tx_hash, user_id);
