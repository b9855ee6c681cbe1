-- name: insert_user(email, name, phone, language_code, timezone, metadata)<!
-- Create a user.
insert into easyflow.users (email, name, phone, language_code, timezone, metadata)
values (:email, :name, :phone, :language_code, :timezone, :metadata)
returning id, email, name, phone, language_code, timezone, is_active, metadata, created_at, updated_at;

-- name: get_user_by_id(id)^
-- The user with this id.
select id, email, name, phone, language_code, timezone, is_active, metadata, created_at, updated_at
from easyflow.users
where id = :id;

-- name: get_user_by_email(email)^
-- The user with this email (emails are stored lowercased).
select id, email, name, phone, language_code, timezone, is_active, metadata, created_at, updated_at
from easyflow.users
where email = :email;

-- name: update_user_locale(id, language_code, timezone)<!
-- Change a user's language and/or time zone (a null argument keeps the current value).
update easyflow.users
set language_code = coalesce(:language_code, language_code),
    timezone = coalesce(:timezone, timezone)
where id = :id
returning id, email, name, phone, language_code, timezone, is_active, metadata, created_at, updated_at;

-- name: set_user_active(id, is_active)<!
-- Activate or deactivate a user.
update easyflow.users
set is_active = :is_active
where id = :id
returning id, email, name, phone, language_code, timezone, is_active, metadata, created_at, updated_at;

-- name: delete_user(id)!
-- Delete a user with their integrations, conversations, messages, syncs and metrics.
delete from easyflow.users
where id = :id;
