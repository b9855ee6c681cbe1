-- depends: 0157_deals_hash_indexes
--
-- deals: auth_token_hashes and transaction_hashes get the rows that existed before their triggers
-- (0157). Each INSERT ... SELECT reads its table under ACCESS SHARE, so it is written on as this
-- runs; a row written meanwhile is indexed by the trigger (ON CONFLICT leaves it). A row deleted
-- or re-hashed after this statement's snapshot was taken would leave its entry behind: 0159 sweeps
-- those before the unique keys move.
insert into deals.auth_token_hashes (token, user_id, auth_token_id)
select token, user_id, id
from deals.auth_tokens
on conflict (token) do nothing;

insert into deals.transaction_hashes (tx_hash, user_id, transaction_id)
select tx_hash, user_id, id
from deals.token_transactions
where tx_hash is not null
on conflict (tx_hash) do nothing;
