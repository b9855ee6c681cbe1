create or replace function deals.fill_hash_indexes()
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
comment on function deals.fill_hash_indexes() is null;
drop trigger tg_deals_id_index_truncate on deals.deals;
drop trigger tg_deals_id_index_update on deals.deals;
drop trigger tg_deals_id_index_delete on deals.deals;
drop trigger tg_deals_id_index on deals.deals;
drop function deals.clear_deal_ids();
drop function deals.index_deal_id();
-- squawk-ignore ban-drop-table
drop table deals.deal_ids;
