-- name: log_tool_execution(correlation_id, tool_name, agent_id, user_id, inputs, output, status, duration_ms, error_message, metadata)<!
-- Append a tool execution to the audit trail, stamped with the clock (a trace keeps the order of the calls).
insert into devskyy.tool_executions (
    correlation_id, tool_name, agent_id, user_id, inputs, output, status, duration_ms, error_message, metadata,
    created_at
)
values (
    :correlation_id, :tool_name, :agent_id, :user_id, :inputs, :output, :status, :duration_ms, :error_message,
    :metadata, clock_timestamp()
)
returning id, correlation_id, tool_name, agent_id, user_id, inputs, output, status, duration_ms, error_message,
          created_at, metadata;

-- name: trace_by_correlation_id(correlation_id, since, until)
-- Every tool execution of one correlation id in [since, until), in the order they ran.
select id, correlation_id, tool_name, agent_id, user_id, inputs, output, status, duration_ms, error_message,
       created_at, metadata
from devskyy.tool_executions
where correlation_id = :correlation_id
  and created_at >= :since
  and created_at < :until
order by created_at, id;

-- name: failed_tool_executions(tool_name, since, until, lim)
-- A tool's failed and timed-out runs in [since, until), newest first.
select id, correlation_id, tool_name, agent_id, user_id, inputs, output, status, duration_ms, error_message,
       created_at, metadata
from devskyy.tool_executions
where tool_name = :tool_name
  and status <> 'success'
  and created_at >= :since
  and created_at < :until
order by created_at desc, id desc
limit :lim;
