drop index concurrently if exists deals.pk_token_transactions_id_user_id;
