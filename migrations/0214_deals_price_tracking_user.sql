-- depends: 0213_deals_notification_deal_ids_validate
--
-- deals: a price point carries its deal's user and whether its deal is shared (issue 16,
-- sql/deals/citus.toml), so price_tracking can be distributed with deals by user_id and its
-- policies read the row's own columns instead of the deal through EXISTS, which Citus refuses in
-- any policy (0217). 0215 fills the rows written before this, 0216 makes user_id NOT NULL, 0217
-- moves the keys and the policies.
--
-- * user_id: the deal's user. track_deal_price (a deal's first price and each change) writes it;
--   tg_price_tracking_user fills it for a writer that leaves it out (record_price_point, a COPY),
--   from the deal under the caller's row-level security, and refuses an unknown deal by the name of
--   the key that will hold it (deals.fill_parent_user, as for deals' other children). It runs
--   before updates too until 0216, so a row not yet filled passes the NOT VALID check below when it
--   is updated.
-- * deal_shared: whether the deal is shared (found on a market: what rls_deals_select shows every
--   user), set by tg_price_tracking_visibility on every insert and on every update naming deal_id,
--   user_id or itself, from the deal, never what the writer gave (as tg_deal_scores_visibility does
--   since 0186; named to run after tg_price_tracking_user). A deal's source does not change (0186).
-- * ck_price_tracking_user_id_not_null, NOT VALID: checked for every row written from now on, the
--   rows before it are validated by 0216.
--
-- Adding a column with a constant default rewrites nothing (PostgreSQL 11+); catalog changes only.
alter table deals.price_tracking add column user_id uuid;
alter table deals.price_tracking add column deal_shared boolean not null default false;
alter table deals.price_tracking add constraint ck_price_tracking_user_id_not_null
    check (user_id is not null) not valid;

create trigger tg_price_tracking_user
    before insert or update on deals.price_tracking
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('deals', 'deal_id', 'fk_price_tracking_deal_id');
create trigger tg_price_tracking_visibility
    before insert or update of deal_id, user_id, deal_shared on deals.price_tracking
    for each row execute function deals.fill_deal_shared();
comment on function deals.fill_deal_shared() is
    'BEFORE INSERT/UPDATE row trigger on deal_scores and price_tracking: deal_shared is whether the row''s deal is shared, never what the writer gave.';

create or replace function deals.track_deal_price()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' or new.current_price is distinct from old.current_price then
        insert into deals.price_tracking (deal_id, user_id, price, currency, source, tracked_at)
        values (new.id, new.user_id, new.current_price, new.currency, new.source, clock_timestamp());
    end if;
    return null;
end;
$$;
-- No grant: the app role's grants on price_tracking are the table's, so they cover new columns.
