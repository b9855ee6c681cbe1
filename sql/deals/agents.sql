-- name: insert_agent(name, type, status, capabilities, config)<!
-- Register an agent.
insert into deals.agents (name, type, status, capabilities, config)
values (:name, :type, :status, :capabilities, :config)
returning id, name, type, status, capabilities, config, created_at, updated_at;

-- name: get_agent_by_id(id)^
-- The agent with this id.
select id, name, type, status, capabilities, config, created_at, updated_at
from deals.agents
where id = :id;

-- name: list_agents_by_type_status(type, status)
-- The agents of one type in one status, by name.
select id, name, type, status, capabilities, config, created_at, updated_at
from deals.agents
where type = :type
  and status = :status
order by name, id;

-- name: set_agent_status(id, status)<!
-- Change an agent's status (active, inactive, busy).
update deals.agents
set status = :status
where id = :id
returning id, name, type, status, capabilities, config, created_at, updated_at;

-- name: delete_agent(id)!
-- Delete an agent; its tasks and activities stay, unassigned.
delete from deals.agents
where id = :id;

-- name: update_agent_config(id, config, capabilities)<!
-- Replace an agent's config and capabilities.
update deals.agents
set config = :config,
    capabilities = :capabilities
where id = :id
returning id, name, type, status, capabilities, config, created_at, updated_at;
