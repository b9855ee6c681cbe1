-- name: record_metric(agent_id, metric_name, metric_value, metric_unit, recorded_at, metadata)<!
-- Record one metric of an agent (at recorded_at, default now).
insert into ai_seo.agent_metrics (agent_id, metric_name, metric_value, metric_unit, recorded_at, metadata)
values (:agent_id, :metric_name, :metric_value, :metric_unit, coalesce(:recorded_at, now()), :metadata)
returning id, agent_id, metric_name, metric_value, metric_unit, recorded_at, metadata;

-- name: list_agent_metrics(agent_id, since, until, lim)
-- An agent's metrics in [since, until), newest first; only the months in range are scanned.
select id, agent_id, metric_name, metric_value, metric_unit, recorded_at, metadata
from ai_seo.agent_metrics
where agent_id = :agent_id
  and recorded_at >= :since
  and recorded_at < :until
order by recorded_at desc, id
limit :lim;
