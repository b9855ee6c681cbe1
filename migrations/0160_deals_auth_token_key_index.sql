-- depends: 0159_deals_hash_indexes_sweep
-- transactional: false
--
-- deals: the index of auth tokens' tenant key (token, user_id), built without blocking writes; 0162
-- makes it the unique key uq_auth_tokens_token in place of the one on (token) alone. token leads, so authenticating a token
-- (deals.active_auth_token) reads it as it read the old key.
create unique index concurrently if not exists uq_auth_tokens_token_user_id
    on deals.auth_tokens (token, user_id);
