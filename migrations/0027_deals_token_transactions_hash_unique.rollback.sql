-- transactional: false
drop index concurrently if exists deals.uq_token_transactions_tx_hash;
