alter table easyflow.platform_metrics drop constraint ck_platform_metrics_user_id_not_null;
insert into easyflow.platform_metrics (
    platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start,
    period_end, attributes
)
select platform_id, metric_type, metric_value, metric_unit, aggregation_period, recorded_at, period_start,
       period_end, attributes
from easyflow.platform_totals;
drop table easyflow.platform_totals;
