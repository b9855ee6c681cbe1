-- depends: 0209_core_grant_only_unowned
--
-- deals: every deal's id, with its user and whether it is shared, in a table of its own (issue 16,
-- sql/deals/citus.toml), as easyflow's integration ids (0179) and deals' own hash indexes (0157).
--
-- A notification may point at another user's shared deal (0090: what a user may read, the user may
-- point at), so its key to the deal cannot hold one tenant on both sides, which Citus requires of a
-- key between distributed tables; and its policy checked the deal through EXISTS, which Citus
-- refuses in any policy. deal_ids is a reference table under Citus (replicated to every node): the
-- notification's key moves here (0212), the policy's check becomes a trigger reading it, and it
-- keeps a deal id unique across users once deals are keyed (id, user_id) (0217), as
-- integration_ids does for integrations. A deal's source does not change (0186), so neither does
-- whether it is shared.
--
-- No tenant writes it but through the triggers on deals: the functions are SECURITY DEFINER, owned
-- by the owner role, and row-level security is forced with a SELECT policy only (a user reads the
-- ids of their own deals and of the shared ones, as rls_deals_select shows the deals themselves).
--
-- Cost: a deal written or deleted writes one more row (one primary key entry); under Citus that
-- row reaches every node, as an integration's or a conversation's session id does.
--
-- This migration only creates (catalog changes: the locks last an instant), and 0211 fills the table
-- for the deals that exist. Its locks are taken first, in the order a deal's insert takes them
-- (deals, then users for the user's counters), so it cannot deadlock with one.
lock table deals.deals, deals.users in share row exclusive mode;
create table deals.deal_ids (
    id uuid not null,
    user_id uuid not null,
    shared boolean not null,
    constraint pk_deal_ids primary key (id),
    constraint fk_deal_ids_user_id foreign key (user_id)
        references deals.users (id) on delete cascade
);
comment on table deals.deal_ids is
    'Every deal''s id with its user and whether it is shared, unique across users; kept by the tg_deals_id_index triggers on deals.';
-- Serve the cascades from a deleted user.
create index ix_deal_ids_user_id on deals.deal_ids (user_id);

alter table deals.deal_ids enable row level security;
alter table deals.deal_ids force row level security;
create policy rls_deal_ids_select on deals.deal_ids for select
    using (shared or user_id = core.acting_user());

create function deals.index_deal_id()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'INSERT' then
        insert into deals.deal_ids (id, user_id, shared)
        values (new.id, new.user_id, new.source::text not in ('manual', 'user'));
    elsif tg_op = 'UPDATE' then
        -- In place: a notification pointing at the deal refuses a re-key by its key's name, as it
        -- refused the deal's own re-key before 0212, rather than being set null by a delete.
        update deals.deal_ids as i set id = new.id, user_id = new.user_id
        where i.id = old.id and i.user_id = old.user_id;
    else
        delete from deals.deal_ids as i where i.id = old.id and i.user_id = old.user_id;
    end if;
    return null;
end;
$$;
comment on function deals.index_deal_id() is
    'Keeps deals.deal_ids in step with the deal a row writes, deletes or re-keys (the only writer).';

create function deals.clear_deal_ids()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- DELETE, not TRUNCATE: notifications point here, and their keys set their deal_id null.
    delete from deals.deal_ids;
    return null;
end;
$$;
comment on function deals.clear_deal_ids() is
    'TRUNCATE of deals.deals empties deals.deal_ids with it.';

create trigger tg_deals_id_index
    after insert on deals.deals
    for each row execute function deals.index_deal_id();
create trigger tg_deals_id_index_delete
    after delete on deals.deals
    for each row execute function deals.index_deal_id();
create trigger tg_deals_id_index_update
    after update of id, user_id on deals.deals
    for each row when ((old.id, old.user_id) is distinct from (new.id, new.user_id))
    execute function deals.index_deal_id();
create trigger tg_deals_id_index_truncate
    after truncate on deals.deals
    for each statement execute function deals.clear_deal_ids();

-- What a load that bypasses the triggers must run afterwards (0169) writes the entries of deals too.
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
    ), ids as (
        insert into deals.deal_ids (id, user_id, shared)
        select id, user_id, source::text not in ('manual', 'user')
        from deals.deals
        on conflict (id) do nothing
        returning 1
    )
    select (select count(*) from tokens) + (select count(*) from transactions) + (select count(*) from ids);
$$;
comment on function deals.fill_hash_indexes() is
    'Writes the entries of auth_token_hashes, transaction_hashes and deal_ids that a load bypassing the triggers left out; returns how many. The owner''s to run.';

-- As in 0157: the owner role owns the new objects; partitions of price_tracking are taken back from
-- the app and read-only roles; no one but the triggers runs the functions.
select core.grant_domain_privileges('deals');
select core.secure_partitions('deals.price_tracking');
revoke execute on function deals.index_deal_id() from public;
revoke execute on function deals.clear_deal_ids() from public;
