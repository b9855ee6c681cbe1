-- name: insert_user(username, email, password_hash, full_name)<!
-- Insert a user whose password is already hashed; returns the user without the hash.
insert into agent_hub.users (username, email, password_hash, full_name)
values (:username, :email, :password_hash, :full_name)
returning id, username, email, full_name, is_active, created_at, updated_at;

-- name: get_user_by_id(id)^
-- The user with this id.
select id, username, email, full_name, is_active, created_at, updated_at
from agent_hub.users
where id = :id;

-- name: get_users_by_ids(ids)
-- The users with any of these ids, in one round trip (unknown ids have no row; any order).
select id, username, email, full_name, is_active, created_at, updated_at
from agent_hub.users
where id = any(:ids);

-- name: get_user_by_username(username)^
-- The user with this username (case-sensitive, as stored).
select id, username, email, full_name, is_active, created_at, updated_at
from agent_hub.users
where username = :username;

-- name: get_user_by_email(email)^
-- The user with this email (emails are stored lowercased).
select id, username, email, full_name, is_active, created_at, updated_at
from agent_hub.users
where email = :email;

-- name: get_login_by_username(username)^
-- The user and their password hash, for verification only; never returned to callers. The app role
-- cannot select password_hash: the SECURITY DEFINER function hands over this one user's hash.
select id, username, email, full_name, is_active, created_at, updated_at,
       agent_hub.login_password_hash(username) as password_hash
from agent_hub.users
where username = :username;

-- name: set_user_password_hash(id, password_hash)!
-- Replace a user's password hash (password change or rehash with stronger parameters).
update agent_hub.users
set password_hash = :password_hash
where id = :id;

-- name: set_user_active(id, is_active)<!
-- Activate or deactivate a user; returns the user, or nothing when there is no such user.
update agent_hub.users
set is_active = :is_active
where id = :id
returning id, username, email, full_name, is_active, created_at, updated_at;

-- name: delete_user(id)!
-- Delete a user; their agents, sessions and events go with them.
delete from agent_hub.users
where id = :id;

-- name: update_user_profile(id, email, full_name)<!
-- Replace a user's email (stored lowercased) and full name.
update agent_hub.users
set email = :email,
    full_name = :full_name
where id = :id
returning id, username, email, full_name, is_active, created_at, updated_at;
