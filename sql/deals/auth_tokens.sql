-- name: insert_auth_token(user_id, token_hash, token_type, scope, expires_at, meta_data)<!
-- Store a new token by its sha256 hash; returns the token record without the hash.
insert into deals.auth_tokens (user_id, token, token_type, scope, expires_at, meta_data)
values (:user_id, :token_hash, :token_type, :scope, :expires_at, :meta_data)
returning id, user_id, token_type, status, scope, expires_at, created_at, updated_at, meta_data;

-- name: get_active_auth_token_by_hash(token_hash)^
-- The active, unexpired token with this hash, whoever owns it (authentication comes before an acting
-- user, and the app role can neither see other users' tokens nor select the hash column).
select id, user_id, token_type, status, scope, expires_at, created_at, updated_at, meta_data
from deals.active_auth_token(:token_hash);

-- name: list_active_auth_tokens(user_id)
-- A user's active tokens, newest first.
select id, user_id, token_type, status, scope, expires_at, created_at, updated_at, meta_data
from deals.auth_tokens
where user_id = :user_id
  and status = 'active'
order by created_at desc, id desc;

-- name: revoke_auth_token(id)<!
-- Revoke one token.
update deals.auth_tokens
set status = 'revoked'
where id = :id
  and status = 'active'
returning id, user_id, token_type, status, scope, expires_at, created_at, updated_at, meta_data;

-- name: revoke_user_auth_tokens(user_id)!
-- Revoke every active token of a user (logout everywhere).
update deals.auth_tokens
set status = 'revoked'
where user_id = :user_id
  and status = 'active';

-- name: delete_expired_auth_tokens(as_of, lim)!
-- Delete up to lim tokens that expired at or before the given time, the oldest first, skipping tokens
-- another writer holds; returns how many (sqlfirst.batches: auth_tokens.delete_expired repeats it).
-- The ids come from the expiry index in order up to the limit, in both plan modes.
delete from deals.auth_tokens
where id = any(array(
    select id
    from deals.auth_tokens
    where expires_at <= :as_of
    order by expires_at
    limit :lim
    for update skip locked
));
