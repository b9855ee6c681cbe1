-- name: list_platforms(active_only)
-- The platforms a user can connect, by id (only active ones when active_only).
select id, name, display_name, type, region, capabilities, required_credentials, is_active, configuration, created_at
from easyflow.platforms
where is_active or not :active_only
order by id;

-- name: get_platform(id)^
-- The platform with this id.
select id, name, display_name, type, region, capabilities, required_credentials, is_active, configuration, created_at
from easyflow.platforms
where id = :id;
