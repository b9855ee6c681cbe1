-- depends: 0161_deals_transaction_hash_key_index 0027_deals_token_transactions_hash_unique
--
-- deals: auth tokens are unique on (token, user_id) and token transactions on (tx_hash, user_id),
-- keys holding Citus' distribution column, under the old names (uq_auth_tokens_token,
-- uq_token_transactions_tx_hash): a hash written twice for one user is refused by name as before.
-- Across users a token hash and a tx_hash stay unique through pk_auth_token_hashes and
-- pk_transaction_hashes (0157), which refuse another user's duplicate.
--
-- First 0159's sweep once more, of both indexes (an entry without its row can only be one 0158
-- wrote for a row deleted meanwhile; this keeps the move safe even if something else left one).
-- Then the keys: DROP CONSTRAINT, ADD CONSTRAINT ... USING INDEX (which renames the index to the
-- constraint's name), DROP INDEX and ALTER INDEX ... RENAME change the catalog only, so the ACCESS
-- EXCLUSIVE locks last an instant, and the migrator's lock_timeout keeps them from queueing behind a
-- long transaction. (A `-- transactional: false` migration may only build an index, so the drop is
-- not concurrent; it waits for no scan, only for the lock.)
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
-- squawk-ignore ban-drop-constraint
alter table deals.auth_tokens drop constraint uq_auth_tokens_token;
alter table deals.auth_tokens
    add constraint uq_auth_tokens_token
    unique using index uq_auth_tokens_token_user_id;
-- squawk-ignore require-concurrent-index-deletion
drop index deals.uq_token_transactions_tx_hash;
-- squawk-ignore renaming-object
alter index deals.uq_token_transactions_tx_hash_user_id rename to uq_token_transactions_tx_hash;
