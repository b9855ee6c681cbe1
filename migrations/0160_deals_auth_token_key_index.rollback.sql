drop index concurrently if exists deals.uq_auth_tokens_token_user_id;
