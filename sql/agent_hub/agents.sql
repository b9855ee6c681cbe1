-- name: insert_agent(name, display_name, description, owner_id, definition, metadata, is_public)<!
-- Create an agent owned by a user.
insert into agent_hub.agents (name, display_name, description, owner_id, definition, metadata, is_public)
values (:name, :display_name, :description, :owner_id, :definition, :metadata, :is_public)
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;

-- name: get_agent_by_id(id)^
-- The agent with this id.
select id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at
from agent_hub.agents
where id = :id;

-- name: update_agent_definition(id, definition)<!
-- Replace an agent's definition.
update agent_hub.agents
set definition = :definition
where id = :id
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;

-- name: update_agent_metadata(id, metadata)<!
-- Replace an agent's metadata.
update agent_hub.agents
set metadata = :metadata
where id = :id
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;

-- name: merge_agent_metadata(id, patch)<!
-- Merge keys into an agent's metadata in one statement (top-level keys of the patch win).
update agent_hub.agents
set metadata = metadata || :patch
where id = :id
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;

-- name: set_agent_public(id, is_public)<!
-- Make an agent public or private.
update agent_hub.agents
set is_public = :is_public
where id = :id
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;

-- name: list_agents_by_owner(owner_id, lim)
-- A user's agents, newest first.
select id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at
from agent_hub.agents
where owner_id = :owner_id
order by created_at desc, id desc
limit :lim;

-- name: list_public_agents(lim)
-- The first page of public agents, newest first.
select id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at
from agent_hub.agents
where is_public
order by created_at desc, id desc
limit :lim;

-- name: list_public_agents_before(before_created_at, before_id, lim)
-- The next page of public agents after the last one seen (keyset pagination).
select id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at
from agent_hub.agents
where is_public
  and (created_at, id) < (:before_created_at, :before_id)
order by created_at desc, id desc
limit :lim;

-- name: delete_agent(id)!
-- Delete an agent with its sessions, events and marketplace entry.
delete from agent_hub.agents
where id = :id;

-- name: update_agent_profile(id, name, display_name, description)<!
-- Replace an agent's name, display name and description.
update agent_hub.agents
set name = :name,
    display_name = :display_name,
    description = :description
where id = :id
returning id, name, display_name, description, owner_id, definition, metadata, is_public, created_at, updated_at;
