-- name: log_agent_execution(execution_id, agent_name, prompt, metadata)<!
-- Start an execution (running) now (clock time, so runs logged in one transaction keep their order):
-- its unique key row and its log row, in one statement.
with key as (
    insert into devskyy.agent_execution_ids (execution_id, created_at)
    values (:execution_id, clock_timestamp())
    returning execution_id, created_at
)
insert into devskyy.agent_executions (execution_id, agent_name, prompt, metadata, created_at, updated_at)
select key.execution_id, :agent_name, :prompt, :metadata, key.created_at, key.created_at
from key
returning id, execution_id, agent_name, prompt, status, result, tokens_used, duration_ms, created_at, updated_at,
          completed_at, metadata;

-- name: complete_agent_execution(execution_id, status, result, tokens_used, duration_ms)<!
-- Finish a running execution (completed or failed) with its result, tokens and duration; stamps completed_at.
update devskyy.agent_executions
set status = :status,
    result = :result,
    tokens_used = :tokens_used,
    duration_ms = :duration_ms
where execution_id = :execution_id
  and created_at = (select k.created_at from devskyy.agent_execution_ids as k where k.execution_id = :execution_id)
returning id, execution_id, agent_name, prompt, status, result, tokens_used, duration_ms, created_at, updated_at,
          completed_at, metadata;

-- name: get_agent_execution(execution_id)^
-- The execution with this execution id (its key row names the partition to read).
select id, execution_id, agent_name, prompt, status, result, tokens_used, duration_ms, created_at, updated_at,
       completed_at, metadata
from devskyy.agent_executions
where execution_id = :execution_id
  and created_at = (select k.created_at from devskyy.agent_execution_ids as k where k.execution_id = :execution_id);

-- name: list_agent_executions(agent_name, since, until, lim)
-- An agent's executions started in [since, until), newest first.
select id, execution_id, agent_name, prompt, status, result, tokens_used, duration_ms, created_at, updated_at,
       completed_at, metadata
from devskyy.agent_executions
where agent_name = :agent_name
  and created_at >= :since
  and created_at < :until
order by created_at desc, id desc
limit :lim;

-- name: agent_execution_stats(since, until)
-- Per agent, executions started in [since, until): count, failures, tokens, p50/p95 duration of finished ones.
select agent_name,
       count(*) as executions,
       count(*) filter (where status = 'failed') as failed,
       coalesce(sum(tokens_used), 0)::bigint as tokens_used,
       percentile_cont(0.5) within group (order by duration_ms) as p50_duration_ms,
       percentile_cont(0.95) within group (order by duration_ms) as p95_duration_ms
from devskyy.agent_executions
where created_at >= :since
  and created_at < :until
group by agent_name
order by agent_name;
