-- name: insert_task_activity(task_id, agent_id, activity_type, description, meta_data)<!
-- Record progress on a task.
insert into deals.task_activities (
    user_id, task_id, agent_id, activity_type, description, meta_data, created_at
)
values (
    (select t.user_id from deals.tasks as t where t.id = :task_id), :task_id, :agent_id, :activity_type,
    :description, :meta_data, clock_timestamp()
)
returning id, task_id, agent_id, activity_type, description, created_at, meta_data;

-- name: list_task_activities(task_id, lim)
-- A task's activities in the order they happened.
select id, task_id, agent_id, activity_type, description, created_at, meta_data
from deals.task_activities
where task_id = :task_id
order by created_at, id
limit :lim;
