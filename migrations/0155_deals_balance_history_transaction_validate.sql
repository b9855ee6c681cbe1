-- depends: 0154_deals_balance_history_transaction_key
--
-- deals: 0154's key is checked against every existing history row. VALIDATE takes SHARE UPDATE
-- EXCLUSIVE on the history and ROW SHARE on the transactions: reads and writes go on while it scans.
--
-- The token functions write a transaction and its history for one user, but a role that bypasses
-- row-level security could have written a history row naming another user's transaction. The
-- migration then stops, naming the key, and changes nothing: which user such a row belongs to is
-- the owner's decision; migrating again then validates.
do $$
declare
    v_detail text;
begin
    alter table deals.token_balance_history validate constraint fk_token_balance_history_transaction_id_user_id;
exception when foreign_key_violation then
    get stacked diagnostics v_detail = pg_exception_detail;
    raise exception using
        errcode = 'foreign_key_violation',
        schema = 'deals',
        table = 'token_balance_history',
        detail = v_detail,
        constraint = 'fk_token_balance_history_transaction_id_user_id',
        message = format(
            'deals.token_balance_history has rows that name a transaction of another user (%s); find them with '
            'select h.id from deals.token_balance_history as h join deals.token_transactions as t '
            'on t.id = h.transaction_id where t.user_id <> h.user_id; then migrate again',
            sqlerrm
        );
end;
$$;
