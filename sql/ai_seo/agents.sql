-- name: insert_agent(name, agent_id, agent_level, description, knowledge_base_path, config, is_active)<!
-- Register an agent under its business key.
insert into ai_seo.agents (name, agent_id, agent_level, description, knowledge_base_path, config, is_active)
values (:name, :agent_id, :agent_level, :description, :knowledge_base_path, :config, :is_active)
returning id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
          updated_at, config;

-- name: get_agent_by_id(id)^
-- The agent with this id.
select id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
       updated_at, config
from ai_seo.agents
where id = :id;

-- name: get_agent_by_key(agent_id)^
-- The agent with this business key (e.g. 'chief_seo_strategist').
select id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
       updated_at, config
from ai_seo.agents
where agent_id = :agent_id;

-- name: update_agent_config(id, config)<!
-- Replace an agent's configuration.
update ai_seo.agents
set config = :config
where id = :id
returning id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
          updated_at, config;

-- name: merge_agent_config(id, patch)<!
-- Merge keys into an agent's configuration in one statement (concurrent merges all land).
update ai_seo.agents
set config = config || :patch
where id = :id
returning id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
          updated_at, config;

-- name: set_agent_active(id, is_active)<!
-- Activate or deactivate an agent (agents with history are deactivated, never deleted).
update ai_seo.agents
set is_active = :is_active
where id = :id
returning id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
          updated_at, config;

-- name: list_agents_by_level(agent_level)
-- The agents of one level of the hierarchy, by name.
select id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
       updated_at, config
from ai_seo.agents
where agent_level = :agent_level
order by name, agent_id;

-- name: list_agents()
-- Every agent, top of the hierarchy first, then by name.
select id, name, agent_id, agent_level, description, knowledge_base_path, is_active, created_at,
       updated_at, config
from ai_seo.agents
order by agent_level, name, agent_id;

-- name: delete_agent(id)!
-- Delete an agent that has no tasks and no metrics (those restrict it; deactivate it instead).
delete from ai_seo.agents
where id = :id;
