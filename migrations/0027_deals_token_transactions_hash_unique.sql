-- depends: 0025_deals_kept_truth
-- transactional: false
--
-- An on-chain transaction hash names one token transaction: unique when present, and the index
-- tokens.get_by_hash looks it up by. Built concurrently: token_transactions is append-heavy.
create unique index concurrently if not exists uq_token_transactions_tx_hash
    on deals.token_transactions (tx_hash);
