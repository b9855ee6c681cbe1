-- name: insert_task(agent_id, campaign_id, user_id, task_type, input_data, priority)<!
-- Queue a task for an agent (status pending). It carries its client (the distribution column under
-- Citus, 0190): its campaign's, or the nil uuid for the agency's own work without a campaign; an
-- unknown campaign leaves it null and tg_agent_tasks_client refuses the row by the key's name.
insert into ai_seo.agent_tasks (client_id, agent_id, campaign_id, user_id, task_type, input_data, priority)
values (
    case when :campaign_id::uuid is null then '00000000-0000-0000-0000-000000000000'::uuid
         else (select c.client_id from ai_seo.campaigns as c where c.id = :campaign_id) end,
    :agent_id, :campaign_id, :user_id, :task_type, :input_data, :priority
)
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: get_task_by_id(id)^
-- The task with this id.
select id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
       error_message, started_at, completed_at, processing_time_ms, created_at
from ai_seo.agent_tasks
where id = :id;

-- name: claim_next_task(agent_id)<!
-- Claim the agent's next pending task, urgent first then oldest, skipping rows other workers hold;
-- the lifecycle trigger moves it to in_progress and stamps started_at.
update ai_seo.agent_tasks
set status = 'in_progress'
where id = (
    select id
    from ai_seo.agent_tasks
    where agent_id = :agent_id
      and status = 'pending'
    order by priority desc, created_at, id
    limit 1
    for update skip locked
)
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: start_task(id)<!
-- Start one particular task; only a pending task may start (else SF031).
update ai_seo.agent_tasks
set status = 'in_progress'
where id = :id
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: complete_task(id, output_data)<!
-- Complete a running task with its output; completed_at and processing_time_ms come from the database.
update ai_seo.agent_tasks
set status = 'completed',
    output_data = :output_data
where id = :id
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: fail_task(id, error_message)<!
-- Fail a running task with an error message.
update ai_seo.agent_tasks
set status = 'failed',
    error_message = :error_message
where id = :id
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: cancel_task(id)<!
-- Cancel a pending or running task.
update ai_seo.agent_tasks
set status = 'cancelled'
where id = :id
returning id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
          error_message, started_at, completed_at, processing_time_ms, created_at;

-- name: count_pending_tasks(agent_id)$
-- How many tasks wait in the agent's queue: an index-only count of the narrow partial index
-- ix_agent_tasks_agent_id_pending_count (deduplicated posting lists, a few blocks per thousand tasks).
select count(*)
from ai_seo.agent_tasks
where agent_id = :agent_id
  and status = 'pending';

-- name: list_agent_tasks(agent_id, lim)
-- An agent's latest tasks, newest first.
select id, agent_id, campaign_id, user_id, task_type, status, priority, input_data, output_data,
       error_message, started_at, completed_at, processing_time_ms, created_at
from ai_seo.agent_tasks
where agent_id = :agent_id
order by created_at desc
limit :lim;
