-- depends: 0168_deals_deal_activities_tenant_key
--
-- deals: deals.fill_hash_indexes() writes the hash index entries (0157) of every auth token and
-- token transaction that lacks one, as 0158 did once: what a load that bypasses the triggers (a
-- restore with triggers off, COPY under session_replication_role = replica, the bench's loader)
-- must run afterwards. It returns how many entries it wrote. A hash another user holds keeps its
-- entry (ON CONFLICT DO NOTHING), as the triggers would have refused the row. Not for the app, the
-- worker or the read-only role: the owner runs it (EXECUTE revoked from PUBLIC).
create function deals.fill_hash_indexes()
returns bigint
language sql
as $$
    with tokens as (
        insert into deals.auth_token_hashes (token, user_id, auth_token_id)
        select token, user_id, id
        from deals.auth_tokens
        on conflict (token) do nothing
        returning 1
    ), transactions as (
        insert into deals.transaction_hashes (tx_hash, user_id, transaction_id)
        select tx_hash, user_id, id
        from deals.token_transactions
        where tx_hash is not null
        on conflict (tx_hash) do nothing
        returning 1
    )
    select (select count(*) from tokens) + (select count(*) from transactions);
$$;
revoke execute on function deals.fill_hash_indexes() from public;
