-- name: campaign_task_summary(campaign_id)^
-- Example 3: a campaign's task totals, success rate, average time, first task, last completion and
-- duration in whole days, in one pass over the campaign's index entries.
select c.id as campaign_id,
       t.total_tasks,
       t.completed_tasks,
       coalesce(t.completed_tasks::float8 / nullif(t.total_tasks, 0), 0) as success_rate,
       t.avg_processing_time_ms,
       t.first_task,
       t.last_completed,
       coalesce(floor(extract(epoch from t.last_completed - t.first_task) / 86400)::integer, 0)
           as duration_days
from ai_seo.campaigns as c
cross join lateral (
    select count(*) as total_tasks,
           count(*) filter (where a.status = 'completed') as completed_tasks,
           avg(a.processing_time_ms)::float8 as avg_processing_time_ms,
           min(a.created_at) as first_task,
           max(a.completed_at) as last_completed
    from ai_seo.agent_tasks as a
    where a.campaign_id = c.id
) as t
where c.id = :campaign_id;

-- name: campaign_agent_breakdown(campaign_id)
-- Example 3: per agent of a campaign, its name, level, task count, average time and success rate,
-- most tasks first.
select g.id, g.agent_id, g.name, g.agent_level, t.task_count, t.avg_processing_time_ms,
       t.completed_count::float8 / t.task_count as success_rate
from (
    select a.agent_id,
           count(*) as task_count,
           count(*) filter (where a.status = 'completed') as completed_count,
           avg(a.processing_time_ms)::float8 as avg_processing_time_ms
    from ai_seo.agent_tasks as a
    where a.campaign_id = :campaign_id
    group by a.agent_id
) as t
join ai_seo.agents as g on g.id = t.agent_id
order by t.task_count desc, g.agent_id;

-- name: campaign_recent_metrics(campaign_id, since, until, lim)
-- Example 3: the metrics recorded in [since, until) by the agents that worked on the campaign, newest
-- first (the upper bound lets the planner skip the DEFAULT partition). The campaign's distinct agents
-- (from its index entries), then per agent its newest metrics in the range read in
-- ix_agent_metrics_agent_id_recorded_at order and stopped at the limit; the at most lim rows per
-- agent are merged and cut to lim. Each metric row appears once, however many tasks its agent has.
select m.id, m.agent_id, m.metric_name, m.metric_value, m.metric_unit, m.recorded_at, m.metadata
from (
    select distinct a.agent_id
    from ai_seo.agent_tasks as a
    where a.campaign_id = :campaign_id
) as g
cross join lateral (
    select r.id, r.agent_id, r.metric_name, r.metric_value, r.metric_unit, r.recorded_at, r.metadata
    from ai_seo.agent_metrics as r
    where r.agent_id = g.agent_id
      and r.recorded_at >= :since
      and r.recorded_at < :until
    order by r.recorded_at desc, r.id
    limit :lim
) as m
order by m.recorded_at desc, m.id
limit :lim;

-- name: user_overview(user_id)^
-- Example 5: the user, active sessions, task totals, the 10 latest tasks with agent and campaign
-- (a scalar subquery: a task may have no campaign), and task counts per agent (business key), in
-- one round trip. The totals and the per-agent counts are read from the user's counter rows (at
-- most one per agent, kept by triggers on agent_tasks: migration 0033), not from the tasks.
with counts as (
    select k.agent_id, k.completed, k.failed,
           k.pending + k.in_progress + k.completed + k.failed + k.cancelled as total
    from ai_seo.user_task_counts as k
    where k.user_id = :user_id
)
select u.id, u.username, u.email, u.full_name, u.role, u.is_active, u.created_at, u.updated_at,
       u.last_login,
       (
           select count(*)
           from ai_seo.user_sessions as s
           where s.user_id = u.id
             and s.is_active
             and s.expires_at > statement_timestamp()
       ) as active_sessions,
       (select coalesce(sum(k.total), 0)::bigint from counts as k) as total_tasks,
       (select coalesce(sum(k.completed), 0)::bigint from counts as k) as completed_tasks,
       (select coalesce(sum(k.failed), 0)::bigint from counts as k) as failed_tasks,
       (
           select coalesce(
               jsonb_agg(
                   jsonb_build_object(
                       'id', r.id, 'task_type', r.task_type, 'status', r.status, 'priority', r.priority,
                       'created_at', r.created_at, 'completed_at', r.completed_at,
                       'processing_time_ms', r.processing_time_ms, 'agent_id', g.agent_id,
                       'agent_name', g.name, 'campaign_id', r.campaign_id,
                       'campaign_name', (select c.name from ai_seo.campaigns as c where c.id = r.campaign_id)
                   )
                   order by r.created_at desc, r.id desc
               ),
               '[]'
           )
           from (
               select a.id, a.task_type, a.status, a.priority, a.created_at, a.completed_at,
                      a.processing_time_ms, a.agent_id, a.campaign_id
               from ai_seo.agent_tasks as a
               where a.user_id = u.id
               order by a.created_at desc, a.id desc
               limit 10
           ) as r
           join ai_seo.agents as g on g.id = r.agent_id
       ) as recent_tasks,
       (
           select coalesce(
               jsonb_agg(
                   jsonb_build_object(
                       'agent_id', g.agent_id, 'name', g.name, 'agent_level', g.agent_level,
                       'task_count', per_agent.task_count
                   )
                   order by per_agent.task_count desc, g.agent_id
               ),
               '[]'
           )
           from (select k.agent_id, k.total::bigint as task_count from counts as k) as per_agent
           join ai_seo.agents as g on g.id = per_agent.agent_id
       ) as agent_usage
from ai_seo.users as u
where u.id = :user_id;
