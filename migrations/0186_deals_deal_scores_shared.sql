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
--   the column itself, from the deal the foreign key ties the score to: a writer cannot make a
--   private deal's score public by writing the column. It reads the deal FOR SHARE, so a score
--   written while another transaction changes the deal's source waits for it and reads what it
--   committed. It is named to run after tg_deal_scores_user, which fills user_id first.
-- * tg_deals_scores_shared: a deal whose source changes passes the change to its scores (the
--   scores' updated_at moves with them). Nothing in sqlfirst changes a deal's source; a direct write
--   may.
-- * The column is the database's (core.database_chosen_columns): the app role may not write it, and
--   the trigger overrides any role that may.
-- Both functions are SECURITY DEFINER: the flag follows the deal whoever writes (the acting user's
-- row-level security hides no deal the foreign key admits, but a worker role may not hold the lock
-- privilege).
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
      and d.user_id = new.user_id
    for share;
    new.deal_shared := coalesce(new.deal_shared, false);  -- no such deal: the foreign key refuses the row
    return new;
end;
$$;
comment on function deals.fill_deal_shared() is
    'BEFORE INSERT/UPDATE row trigger on deal_scores: deal_shared is whether the score''s deal is shared (read FOR SHARE), never what the writer gave.';

create function deals.sync_deal_scores_shared()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update deals.deal_scores as s
    set deal_shared = new.source::text not in ('manual', 'user')
    where s.deal_id = new.id
      and s.user_id = new.user_id;
    return null;
end;
$$;
comment on function deals.sync_deal_scores_shared() is
    'AFTER UPDATE OF source row trigger on deals: the deal''s scores follow whether it is shared.';

create trigger tg_deal_scores_visibility
    before insert or update of deal_id, user_id, deal_shared on deals.deal_scores
    for each row execute function deals.fill_deal_shared();

create trigger tg_deals_scores_shared
    after update of source on deals.deals
    for each row when (old.source is distinct from new.source)
    execute function deals.sync_deal_scores_shared();

insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('deals', 'deal_scores', 'deal_shared');
select core.grant_domain_privileges('deals');
