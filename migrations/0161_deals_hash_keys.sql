-- depends: 0160_deals_auth_token_key_index
--
-- deals: auth tokens are unique on (token, user_id), the key holding Citus' distribution column, and
-- token transactions lose uq_token_transactions_tx_hash (tx_hash), a unique index without it
-- (ix_token_transactions_hash (tx_hash) still serves get_token_transaction_by_hash). A token hash
-- and a tx_hash stay unique across users through pk_auth_token_hashes and pk_transaction_hashes
-- (0157).
--
-- First 0159's sweep once more, of both indexes (an entry without its row can only be one 0158
-- wrote for a row deleted meanwhile; this keeps the move safe even if something else left one).
-- Then the keys: ADD CONSTRAINT ... USING INDEX, DROP CONSTRAINT and DROP INDEX change the catalog
-- only, so the ACCESS EXCLUSIVE locks last an instant, and the migrator's lock_timeout keeps them
-- from queueing behind a long transaction. (A `-- transactional: false` migration may only build an
-- index, so the drop is not concurrent; it waits for no scan, only for the lock.)
delete from deals.auth_token_hashes as h
where not exists (
    select from deals.auth_tokens as t
    where t.id = h.auth_token_id
      and t.user_id = h.user_id
      and t.token = h.token
);
delete from deals.transaction_hashes as h
where not exists (
    select from deals.token_transactions as t
    where t.id = h.transaction_id
      and t.user_id = h.user_id
      and t.tx_hash = h.tx_hash
);
alter table deals.auth_tokens
    add constraint uq_auth_tokens_token_user_id
    unique using index uq_auth_tokens_token_user_id;
-- The global uniqueness this constraint gave is pk_auth_token_hashes' now (see above).
-- squawk-ignore ban-drop-constraint
alter table deals.auth_tokens drop constraint uq_auth_tokens_token;
-- squawk-ignore require-concurrent-index-deletion
drop index deals.uq_token_transactions_tx_hash;
