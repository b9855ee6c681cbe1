-- depends: 0101_easyflow_platform_totals
--
-- easyflow: validates 0101's ck_platform_metrics_user_id_not_null. VALIDATE CONSTRAINT scans the
-- table under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on; 0104 then sets the column
-- NOT NULL without a scan of its own (PostgreSQL 12+ proves it from this valid check).
--
-- First 0101's move once more: a platform-wide increment that the code before 0101 inserted while
-- 0101 ran was not visible to its DELETE, and the NOT VALID check does not look at rows already
-- there. Since 0101 committed no new row can lack its user, so after this move none does.
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
alter table easyflow.platform_metrics validate constraint ck_platform_metrics_user_id_not_null;
