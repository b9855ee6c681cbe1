-- depends: 0216_deals_price_tracking_user_not_null
--
-- deals: the last keys that did not hold the tenant (issue 16, sql/deals/citus.toml). With them the
-- deals plan has no deviation left: price_tracking is distributed with deals by user_id.
--
-- * price_tracking: primary key (id, tracked_at, user_id), on every partition; its key to the deal
--   is (deal_id, user_id) -> deals (id, user_id), ON DELETE CASCADE as before, under the old name
--   (an unknown deal is still refused as fk_price_tracking_deal_id). A price point's user is its
--   deal's, so the key accepts every row the id-only one did.
-- * Its policies read the row's own columns (0214) instead of the deal through EXISTS: a user writes
--   the price points of their own deals and reads those and the shared deals' ones, as before.
-- * deals: the unique index (id, user_id) of 0142 becomes the primary key pk_deals (deal scores,
--   deal activities and now price points point at it); the id-only key goes. A deal id stays unique
--   across users by deal_ids' key (0210), and the database chooses it: deals.id and
--   price_tracking.id join core.database_chosen_columns (no statement of the domain names one).
--
-- Cost on a populated database: PostgreSQL 15 and 16 build a partitioned table's primary key and
-- check its new foreign key (a NOT VALID one is refused on a partitioned table) inside this
-- transaction, and dropping a key locks the table it points at too. So deals and price_tracking (with
-- its partitions) are locked, reads included, for about one btree build over the price history, one
-- read of it joined to deals (the user fix below) and one check of its key. Run it in a quiet
-- window; the Migrator's lock_timeout keeps it from queueing behind live traffic. Both locks are taken
-- first, in the order a deal's write takes them (deals, then its price points), so this cannot
-- deadlock with one. The deals key swap itself is a catalog change.
lock table deals.deals, deals.price_tracking in access exclusive mode;

-- Each constraint dropped here is replaced below, in this same transaction, by one that refuses no less.
-- squawk-ignore ban-drop-constraint
alter table deals.price_tracking drop constraint fk_price_tracking_deal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.price_tracking drop constraint pk_price_tracking;
-- Until now no key held a price point's user to its deal's: a writer naming another user (the app
-- on its own deal, the owner anywhere) was accepted. Such rows get their deal's user (and, through
-- tg_price_tracking_visibility, its flag) while the table is locked, so the key below accepts them.
update deals.price_tracking as p
set user_id = d.user_id
from deals.deals as d
where d.id = p.deal_id
  and p.user_id <> d.user_id;
alter table deals.price_tracking add constraint pk_price_tracking primary key (id, tracked_at, user_id);
alter table deals.price_tracking add constraint fk_price_tracking_deal_id
    foreign key (deal_id, user_id) references deals.deals (id, user_id) on delete cascade;

alter policy rls_price_tracking_select on deals.price_tracking
    using (user_id = core.acting_user() or deal_shared);
alter policy rls_price_tracking_insert on deals.price_tracking
    with check (user_id = core.acting_user());
alter policy rls_price_tracking_update on deals.price_tracking
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_price_tracking_delete on deals.price_tracking
    using (user_id = core.acting_user());

-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint pk_deals;
alter table deals.deals add constraint pk_deals primary key using index uq_deals_id_user_id;

insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('deals', 'deals', 'id'),
       ('deals', 'price_tracking', 'id');
select core.grant_domain_privileges('deals');
select core.secure_partitions('deals.price_tracking');
