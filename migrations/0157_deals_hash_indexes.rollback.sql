drop trigger tg_token_transactions_hash_truncate on deals.token_transactions;
drop trigger tg_token_transactions_hash_update on deals.token_transactions;
drop trigger tg_token_transactions_hash_delete on deals.token_transactions;
drop trigger tg_token_transactions_hash on deals.token_transactions;
drop trigger tg_auth_tokens_hash_truncate on deals.auth_tokens;
drop trigger tg_auth_tokens_hash_update on deals.auth_tokens;
drop trigger tg_auth_tokens_hash on deals.auth_tokens;
drop function deals.clear_hash_index();
drop function deals.index_transaction_hash();
drop function deals.index_auth_token_hash();
delete from core.secret_columns where schema_name = 'deals' and table_name = 'auth_token_hashes';
-- squawk-ignore ban-drop-table
drop table deals.transaction_hashes;
-- squawk-ignore ban-drop-table
drop table deals.auth_token_hashes;
