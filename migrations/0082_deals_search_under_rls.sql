-- depends: 0079_core_secure_partitions
--
-- Deal search as the application role. Under row-level security PostgreSQL evaluates a table's
-- policy before any condition whose operator is not LEAKPROOF, and never uses such a condition as an
-- index condition. Enum equality (enum_eq) and numeric comparisons are not leakproof, so with the
-- deals' policy in force search_deals, search_deals_by_specs, list_deals_by_market and
-- list_deal_activities_by_user could not use their indexes: the first bench run as sqlfirst_app
-- (medium) read deals.deals and deals.deal_activities whole, 500k rows a call (search_deals p95
-- 289 ms against a 10 ms budget). Text, bigint, uuid and timestamptz comparisons are leakproof: each
-- enum those queries filter on gets a stored text copy, the price a bigint copy in cents
-- (numeric(10, 2), so exact and in the same order), and their indexes are rebuilt on the copies.
--
-- Adding the stored columns rewrites deals.deals and deals.deal_activities, and the old indexes are
-- dropped in the same transaction as their replacements are built: on large live tables apply this in
-- a maintenance window (at the bench's medium scale, 500k rows each, it takes seconds).
--
-- deals.label is declared immutable: an enum value's label changes only by ALTER TYPE ... RENAME
-- VALUE, and a migration doing that must recompute the copies (update ... set category = category).
create function deals.label(deals.marketcategory) returns text
language sql immutable parallel safe
as $$ select $1::text $$;

create function deals.label(deals.dealstatus) returns text
language sql immutable parallel safe
as $$ select $1::text $$;

create function deals.label(deals.dealactivitytype) returns text
language sql immutable parallel safe
as $$ select $1::text $$;

comment on function deals.label(deals.marketcategory) is
    'The label of a category, as text: what generated columns store so searches under RLS compare with leakproof operators.';

alter table deals.deals
    -- squawk-ignore adding-field-with-default
    add column category_label text generated always as (deals.label(category)) stored,
    -- squawk-ignore adding-field-with-default
    add column status_label text generated always as (deals.label(status)) stored,
    -- squawk-ignore adding-field-with-default
    add column price_cents bigint generated always as ((current_price * 100)::bigint) stored;

alter table deals.deal_activities
    -- squawk-ignore adding-field-with-default
    add column activity_type_label text generated always as (deals.label(activity_type)) stored;

-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deals_category_status_current_price_id;
create index ix_deals_category_label_status_label_price_cents_id
    on deals.deals (category_label, status_label, price_cents, id);

-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deals_market_id_status_found_at_id;
create index ix_deals_market_id_status_label_found_at_id
    on deals.deals (market_id, status_label, found_at desc, id desc);

-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deal_activities_user_id_activity_type_created_at_id;
create index ix_deal_activities_user_id_activity_type_label_created_at_id
    on deals.deal_activities (user_id, activity_type_label, created_at, id);
