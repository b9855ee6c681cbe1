-- name: insert_session(user_id, refresh_token_hash, expires_at, user_agent, ip_address)<!
-- Store a new refresh session by its token's sha256; returns the session without the hash.
insert into ai_seo.user_sessions (user_id, refresh_token_hash, expires_at, user_agent, ip_address)
values (:user_id, :refresh_token_hash, :expires_at, :user_agent, :ip_address)
returning id, user_id, expires_at, user_agent, ip_address, created_at, last_used_at, is_active;

-- name: use_session(refresh_token_hash, user_id)<!
-- Validate a refresh token (hash, user, active, unexpired) and record the use in last_used_at. The app
-- role cannot select the hash: the SECURITY DEFINER function finds the one session it names.
select id, user_id, expires_at, user_agent, ip_address, created_at, last_used_at, is_active
from ai_seo.use_refresh_token(:user_id, :refresh_token_hash);

-- name: rotate_session(user_id, presented_hash, new_hash, expires_at, user_agent, ip_address)^
-- Rotate a refresh token in one statement: rotated, reused (every session revoked) or invalid.
select outcome, id, user_id, expires_at, user_agent, ip_address, created_at, last_used_at, is_active
from ai_seo.rotate_refresh_token(:user_id, :presented_hash, :new_hash, :expires_at, :user_agent, :ip_address);

-- name: revoke_session(id, user_id)<!
-- Revoke one of the user's active sessions (logout).
update ai_seo.user_sessions
set is_active = false,
    revoked_at = statement_timestamp()
where id = :id
  and user_id = :user_id
  and is_active
returning id, user_id, expires_at, user_agent, ip_address, created_at, last_used_at, is_active;

-- name: revoke_user_sessions(user_id)!
-- Revoke every active session of a user (logout everywhere).
update ai_seo.user_sessions
set is_active = false,
    revoked_at = statement_timestamp()
where user_id = :user_id
  and is_active;

-- name: list_active_sessions(user_id)
-- A user's active, unexpired sessions, newest first.
select id, user_id, expires_at, user_agent, ip_address, created_at, last_used_at, is_active
from ai_seo.user_sessions
where user_id = :user_id
  and is_active
  and expires_at > statement_timestamp()
order by created_at desc, id desc;

-- name: delete_stale_sessions(as_of, revoked_before, lim)!
-- Delete one batch of expired sessions and of sessions revoked before the grace cut-off (up to lim
-- of each), oldest first, each walked by its own index; rows other cleaners hold are skipped. The
-- picked ids are deleted by primary key (`= any(array(...))`), so no plan, generic included, joins
-- them against a scan of the table.
with expired as (
    select id
    from ai_seo.user_sessions
    where expires_at <= :as_of
    order by expires_at
    limit :lim
    for update skip locked
),
revoked as (
    select id
    from ai_seo.user_sessions
    where not is_active
      and revoked_at <= :revoked_before
    order by revoked_at
    limit :lim
    for update skip locked
)
delete from ai_seo.user_sessions
where id = any(array(
    select id from expired
    union
    select id from revoked
));
