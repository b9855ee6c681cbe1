-- depends: 0100_easyflow_delivery_key
--
-- easyflow: platform-wide metric buckets get a table of their own (issue 16, sql/easyflow/citus.toml).
--
-- Seed 003's metrics:{platform}:{date}:{hour} are counters of the whole platform; 0050 kept them in
-- platform_metrics as buckets with neither user nor integration. Citus distributes platform_metrics
-- by user_id and refuses a NULL distribution value, so those buckets move here: a local table on
-- the coordinator (a handful of rows an hour: platforms x metric types), written by the worker and
-- read by operators, never by a tenant. The user's buckets stay in platform_metrics, whose user_id
-- then becomes NOT NULL (0102, 0104).
--
-- Row-level security is enabled and forced with no policy for the app: a platform-wide bucket
-- belongs to no tenant, so only roles that bypass RLS (the worker, the owner) write it, as in 0077,
-- and the read-only role of operators' reports reads it.
create table easyflow.platform_totals (
    id uuid not null default gen_random_uuid(),
    platform_id varchar(50) not null,
    metric_type easyflow.metric_type not null,
    metric_value numeric(15, 4) not null,
    metric_unit varchar(50),
    aggregation_period varchar(20) not null default 'hour',
    recorded_at timestamptz not null default now(),
    period_start timestamptz not null,
    period_end timestamptz not null,
    attributes jsonb not null default '{}',
    constraint pk_platform_totals primary key (id),
    constraint fk_platform_totals_platform_id foreign key (platform_id)
        references easyflow.platforms (id) on delete restrict,
    -- The hourly upsert's key: one row per platform, metric and period.
    constraint uq_platform_totals_bucket unique (platform_id, metric_type, aggregation_period, period_start),
    constraint ck_platform_totals_aggregation_period check (aggregation_period in ('minute', 'hour', 'day')),
    constraint ck_platform_totals_period check (period_end > period_start),
    constraint ck_platform_totals_attributes_object check (jsonb_typeof(attributes) = 'object')
);
comment on table easyflow.platform_totals is
    'metrics:{platform}:{date}:{hour}: platform-wide metric buckets (no tenant; the worker writes them).';
alter table easyflow.platform_totals enable row level security;
alter table easyflow.platform_totals force row level security;
-- Operators' reports (the read-only role, on a replica too) read every platform-wide bucket.
create policy rls_platform_totals_read on easyflow.platform_totals for select to sqlfirst_readonly
    using (true);
-- The owner role owns the new table (a login acting for it runs later migrations); that re-grants
-- the app and read-only roles every partition of messages, which 0077's function takes back.
select core.grant_domain_privileges('easyflow');
select easyflow.protect_message_partitions();

-- The platform-wide buckets move; a bucket already there (none unless this is rerun by hand) adds up.
with moved as (
    delete from easyflow.platform_metrics
    where user_id is null
    returning platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at,
              period_start, period_end, attributes
)
insert into easyflow.platform_totals as t (
    platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start,
    period_end, attributes
)
select platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start,
       period_end, attributes
from moved
on conflict on constraint uq_platform_totals_bucket do update
set metric_value = t.metric_value + excluded.metric_value;

-- No new platform-wide bucket from here on; validated by 0102 without blocking writes.
alter table easyflow.platform_metrics
    add constraint ck_platform_metrics_user_id_not_null check (user_id is not null) not valid;
