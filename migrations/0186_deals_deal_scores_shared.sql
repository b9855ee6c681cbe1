-- depends: 0185_easyflow_shared_ids_refused
--
-- deals: a deal's scores carry whether the deal is shared (issue 16, sql/deals/citus.toml), so the
-- policy that lets every user read a shared deal's scores (0078) reads the score's own row instead of
-- the deal through EXISTS, which Citus refuses in any policy. 0187 fills the rows written before this
-- and 0188 moves the policy onto the column.
--
-- * deal_scores.deal_shared: true when the score's deal was found on a market (source neither
--   'manual' nor 'user': what rls_deals_select shows every user). Adding a column with a constant
--   default rewrites nothing (PostgreSQL 11+).
-- * tg_deal_scores_visibility sets it on every insert and on every update naming deal_id, user_id or
--   the column itself, from the deal the foreign key ties the score to (deal_id, user_id): whatever
--   a writer gives is replaced, so no writer can make a private deal's score public (the app role
--   may name the column, as every column that is not an id the database chooses, and is overridden
--   like any other role). It is named to
--   run after tg_deal_scores_user, which fills user_id first. SECURITY DEFINER: it reads the deal
--   whoever writes (the caller's row-level security would show the same deal: the insert policy
--   and the key tie the score to the caller's own).
-- * A deal's source no longer changes (tg_deals_source_unchanged, a check_violation naming
--   ck_deals_source_unchanged): it says where the deal was found, nothing in sqlfirst changed it, and
--   a flag copied from it stays true only while it does. Keeping copies in step with a changing
--   source would need a lock on the deal against every score write and would still miss a score a
--   concurrent REPEATABLE READ change cannot see; refusing the change needs neither. Writing the
--   same source again passes.
alter table deals.deal_scores add column deal_shared boolean not null default false;

create function deals.fill_deal_shared()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    select d.source::text not in ('manual', 'user')
    into new.deal_shared
    from deals.deals as d
    where d.id = new.deal_id
      and d.user_id = new.user_id;
    new.deal_shared := coalesce(new.deal_shared, false);  -- no such deal: the foreign key refuses the row
    return new;
end;
$$;
comment on function deals.fill_deal_shared() is
    'BEFORE INSERT/UPDATE row trigger on deal_scores: deal_shared is whether the score''s deal is shared, never what the writer gave.';

create function deals.refuse_source_change()
returns trigger
language plpgsql
as $$
begin
    raise exception using
        errcode = 'check_violation',
        schema = tg_table_schema,
        table = tg_table_name,
        constraint = 'ck_deals_source_unchanged',
        message = format('a deal''s source does not change (deal %s: %s, not %s)', old.id, old.source, new.source);
end;
$$;
comment on function deals.refuse_source_change() is
    'BEFORE UPDATE OF source row trigger on deals: where a deal was found stays as it was written (its scores copy whether it is shared).';

create trigger tg_deal_scores_visibility
    before insert or update of deal_id, user_id, deal_shared on deals.deal_scores
    for each row execute function deals.fill_deal_shared();

create trigger tg_deals_source_unchanged
    before update of source on deals.deals
    for each row when (old.source is distinct from new.source)
    execute function deals.refuse_source_change();
revoke execute on function deals.fill_deal_shared() from public;  -- a trigger's, no one's to call

select core.grant_domain_privileges('deals');  -- the new column, as every other the app may write
