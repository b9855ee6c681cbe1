-- name: insert_user(username, email, password_hash, full_name, role)<!
-- Insert a user whose password is already hashed; returns the user without the hash.
insert into ai_seo.users (username, email, password_hash, full_name, role)
values (:username, :email, :password_hash, :full_name, :role)
returning id, username, email, full_name, role, is_active, created_at, updated_at, last_login;

-- name: get_user_by_id(id)^
-- The user with this id.
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login
from ai_seo.users
where id = :id;

-- name: get_user_by_username(username)^
-- The user with this username (case-sensitive, as stored).
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login
from ai_seo.users
where username = :username;

-- name: get_user_by_email(email)^
-- The user with this email (emails are stored lowercased).
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login
from ai_seo.users
where email = :email;

-- name: get_user_login_by_username(username)^
-- The user and their password hash, for verification only; never returned to callers. The app role
-- cannot select password_hash: the SECURITY DEFINER function hands over this one user's hash.
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login,
       ai_seo.login_password_hash(username) as password_hash
from ai_seo.users
where username = :username;

-- name: set_user_password_hash(id, password_hash)!
-- Replace a user's password hash (password change, or a rehash with stronger parameters).
update ai_seo.users
set password_hash = :password_hash
where id = :id;

-- name: update_user_profile(id, email, full_name)<!
-- Replace a user's email and full name.
update ai_seo.users
set email = :email,
    full_name = :full_name
where id = :id
returning id, username, email, full_name, role, is_active, created_at, updated_at, last_login;

-- name: set_user_role(id, role)<!
-- Give a user another role.
update ai_seo.users
set role = :role
where id = :id
returning id, username, email, full_name, role, is_active, created_at, updated_at, last_login;

-- name: set_user_active(id, is_active)<!
-- Activate or deactivate a user.
update ai_seo.users
set is_active = :is_active
where id = :id
returning id, username, email, full_name, role, is_active, created_at, updated_at, last_login;

-- name: record_user_login(id)<!
-- Stamp the user's last login with the transaction time.
update ai_seo.users
set last_login = now()
where id = :id
returning id, username, email, full_name, role, is_active, created_at, updated_at, last_login;

-- name: list_users(after_username, lim)
-- A page of users in username order, after the last username seen ('' for the first page).
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login
from ai_seo.users
where username > :after_username
order by username
limit :lim;

-- name: list_users_by_role(role, after_username, lim)
-- A page of the users of a role in username order, after the last username seen.
select id, username, email, full_name, role, is_active, created_at, updated_at, last_login
from ai_seo.users
where role = :role
  and username > :after_username
order by username
limit :lim;

-- name: delete_user(id)!
-- Delete a user: their sessions go with them, their tasks stay (requester set to NULL).
delete from ai_seo.users
where id = :id;
