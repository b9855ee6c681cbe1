-- name: insert_task(goal_id, agent_id, title, description, priority, due_date, meta_data)<!
-- Create a pending task for a goal, optionally assigned to an agent.
insert into deals.tasks (
    user_id, goal_id, agent_id, title, description, priority, due_date, meta_data, created_at
)
values (
    (select g.user_id from deals.goals as g where g.id = :goal_id), :goal_id, :agent_id, :title,
    :description, :priority, :due_date, :meta_data, clock_timestamp()
)
returning id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data;

-- name: get_task_by_id(id)^
-- The task with this id.
select id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data
from deals.tasks
where id = :id;

-- name: list_tasks_for_goal(goal_id)
-- A goal's tasks, most urgent first (priority 1 first, then due date).
select id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data
from deals.tasks
where goal_id = :goal_id
order by priority, due_date nulls last, created_at, id;

-- name: list_tasks_for_agent(agent_id, status)
-- An agent's tasks in one status, most urgent first.
select id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data
from deals.tasks
where agent_id = :agent_id
  and status = :status
order by priority, due_date nulls last, created_at, id;

-- name: set_task_status(id, status)<!
-- Change a task's status.
update deals.tasks
set status = :status
where id = :id
returning id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data;

-- name: assign_task(id, agent_id)<!
-- Assign a task to an agent (or unassign it with null).
update deals.tasks
set agent_id = :agent_id
where id = :id
returning id, goal_id, agent_id, title, description, status, priority, due_date, created_at, updated_at, meta_data;

-- name: delete_task(id)!
-- Delete a task with its activities.
delete from deals.tasks
where id = :id;
