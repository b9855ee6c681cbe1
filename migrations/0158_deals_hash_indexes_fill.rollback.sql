delete from deals.transaction_hashes;
delete from deals.auth_token_hashes;
