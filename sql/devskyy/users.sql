-- name: insert_user(email, username, password_hash, full_name, role, metadata)<!
-- Insert a user whose password is already hashed; returns the user without the hash.
insert into devskyy.users (email, username, password_hash, full_name, role, metadata)
values (:email, :username, :password_hash, :full_name, :role, :metadata)
returning id, email, username, full_name, role, is_active, is_verified, created_at, updated_at, last_login,
          metadata;

-- name: get_user_by_id(id)^
-- The user with this id.
select id, email, username, full_name, role, is_active, is_verified, created_at, updated_at, last_login, metadata
from devskyy.users
where id = :id;

-- name: get_user_by_email(email)^
-- The user with this email (emails are stored lowercased).
select id, email, username, full_name, role, is_active, is_verified, created_at, updated_at, last_login, metadata
from devskyy.users
where email = :email;

-- name: get_login_by_email(email)^
-- The user's id, active flag and password hash, for verification only; never returned to callers (the
-- app role cannot select the column: the SECURITY DEFINER function hands over this one user's hash).
select id, is_active, devskyy.login_password_hash(id) as password_hash
from devskyy.users
where email = :email;

-- name: list_active_users(after_created_at, after_id, lim)
-- Active users, oldest first, after the keyset (created_at, id) of the previous page.
select id, email, username, full_name, role, is_active, is_verified, created_at, updated_at, last_login, metadata
from devskyy.users
where is_active
  and (created_at, id) > (:after_created_at, :after_id)
order by created_at, id
limit :lim;

-- name: record_login(id)<!
-- Stamp the user's last login with the transaction time; returns it.
update devskyy.users
set last_login = now()
where id = :id
returning last_login;

-- name: set_user_active(id, is_active)!
-- Activate or deactivate a user.
update devskyy.users
set is_active = :is_active
where id = :id
  and is_active is distinct from :is_active;

-- name: mark_user_verified(id)!
-- Mark the user's email as verified.
update devskyy.users
set is_verified = true
where id = :id
  and not is_verified;

-- name: delete_user(id)!
-- Delete a user; their orders and items keep no user (their customer_id stays) and their tool
-- executions keep no user.
delete from devskyy.users
where id = :id;
