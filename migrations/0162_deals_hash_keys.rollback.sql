-- The indexes first (a SHARE lock: tokens are still read meanwhile), the constraint swap last.
-- 0160's index comes back under its name, so 0160 is undone by its own rollback.
create unique index uq_auth_tokens_token_user_id on deals.auth_tokens (token, user_id);
create unique index uq_auth_tokens_token_alone on deals.auth_tokens (token);
-- squawk-ignore ban-drop-constraint
alter table deals.auth_tokens drop constraint uq_auth_tokens_token;
alter table deals.auth_tokens
    add constraint uq_auth_tokens_token
    unique using index uq_auth_tokens_token_alone;
alter index deals.uq_token_transactions_tx_hash rename to uq_token_transactions_tx_hash_user_id;
create unique index uq_token_transactions_tx_hash on deals.token_transactions (tx_hash);
