-- name: increment_metric(platform_id, user_id, integration_id, metric_type, amount, metric_unit, at)<!
-- A user's metrics:{platform}:{date}:{hour}: add amount to the metric's hourly bucket (created on first use), atomically.
insert into easyflow.platform_metrics as pm (
    integration_id, platform_id, user_id, metric_type, metric_value, metric_unit, aggregation_period,
    recorded_at, period_start, period_end
)
values (
    :integration_id, :platform_id, :user_id, :metric_type, :amount, :metric_unit, 'hour', now(),
    date_trunc('hour', coalesce(:at::timestamptz, now()), 'UTC'),
    date_trunc('hour', coalesce(:at::timestamptz, now()), 'UTC') + interval '1 hour'
)
on conflict on constraint uq_platform_metrics_bucket do update
set metric_value = pm.metric_value + excluded.metric_value,
    recorded_at = excluded.recorded_at
returning id, integration_id, platform_id, user_id, metric_type, metric_value, metric_unit, aggregation_period,
          recorded_at, period_start, period_end, attributes;

-- name: list_integration_metrics(integration_id, since, until)
-- An integration's metric buckets starting in [since, until), oldest first.
select id, integration_id, platform_id, user_id, metric_type, metric_value, metric_unit, aggregation_period,
       recorded_at, period_start, period_end, attributes
from easyflow.platform_metrics
where integration_id = :integration_id
  and period_start >= :since
  and period_start < :until
order by period_start, metric_type, id;

-- name: hourly_metric_series(user_id, metric_type, since, until)
-- A user's hourly totals of one metric over all their integrations in [since, until): the dashboard.
select period_start as hour, sum(metric_value) as value
from easyflow.platform_metrics
where user_id = :user_id
  and metric_type = :metric_type
  and aggregation_period = 'hour'
  and period_start >= :since
  and period_start < :until
group by period_start
order by period_start;

-- name: increment_platform_metric(platform_id, metric_type, amount, metric_unit, at)<!
-- metrics:{platform}:{date}:{hour} of the whole platform: add amount to its hourly bucket (created on first use), atomically.
insert into easyflow.platform_totals as t (
    platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start, period_end
)
values (
    :platform_id, :metric_type, :amount, :metric_unit, 'hour', now(),
    date_trunc('hour', coalesce(:at::timestamptz, now()), 'UTC'),
    date_trunc('hour', coalesce(:at::timestamptz, now()), 'UTC') + interval '1 hour'
)
on conflict on constraint uq_platform_totals_bucket do update
set metric_value = t.metric_value + excluded.metric_value,
    recorded_at = excluded.recorded_at
returning id, platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start,
          period_end, attributes;

-- name: platform_metric_series(platform_id, metric_type, since, until)
-- A platform's hourly totals of one metric in [since, until): the operators' dashboard.
select period_start as hour, metric_value as value
from easyflow.platform_totals
where platform_id = :platform_id
  and metric_type = :metric_type
  and aggregation_period = 'hour'
  and period_start >= :since
  and period_start < :until
order by period_start;
