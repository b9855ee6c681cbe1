-- name: insert_integration(id, user_id, platform_id, credentials_encrypted, encryption_key_id, settings, status, sync_interval_minutes)<!
-- Connect a user to a platform; the credentials arrive sealed by the application (bound to id).
insert into easyflow.integrations (
    id, user_id, platform_id, credentials_encrypted, encryption_key_id, settings, status, sync_interval_minutes
)
values (
    :id, :user_id, :platform_id, :credentials_encrypted, :encryption_key_id, :settings, :status, :sync_interval_minutes
)
returning id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
          status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
          created_at, updated_at;

-- name: reconnect_integration(id, credentials_encrypted, encryption_key_id)<!
-- Replace an integration's credentials and mark it connected again.
update easyflow.integrations
set credentials_encrypted = :credentials_encrypted,
    encryption_key_id = :encryption_key_id,
    status = 'connected',
    status_message = null
where id = :id
returning id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
          status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
          created_at, updated_at;

-- name: get_integration(id)^
-- The integration with this id (never its credentials).
select id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
       status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
       created_at, updated_at
from easyflow.integrations
where id = :id;

-- name: get_user_platform_integration(user_id, platform_id)^
-- The user's integration with one platform.
select id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
       status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
       created_at, updated_at
from easyflow.integrations
where user_id = :user_id
  and platform_id = :platform_id;

-- name: list_user_integrations(user_id)
-- The seed's cached get_user_integrations: a user's integrations with their platform, one indexed query.
select i.id, i.user_id, i.platform_id, i.encryption_key_id, i.encryption_key_id is not null as has_credentials,
       i.settings, i.status, i.status_message, i.last_sync_at, i.next_sync_at, i.sync_interval_minutes,
       i.sync_claimed_at, i.metadata, i.created_at, i.updated_at,
       p.name as platform_name, p.display_name as platform_display_name, p.type as platform_type,
       p.capabilities as platform_capabilities
from easyflow.integrations as i
join easyflow.platforms as p on p.id = i.platform_id
where i.user_id = :user_id
order by i.platform_id;

-- name: list_integrations_by_settings(platform_id, settings, lim)
-- Integrations of a platform whose settings contain the given object (jsonb containment), by id.
-- The matches come from the GIN index first (a materialized CTE), then the platform's are kept and
-- ordered: ordered by id with a limit, the planner walked the primary key in id order whenever the
-- value sat in ANALYZE's sample, expecting many matches, and read every integration to find the
-- platform's few (up to 2.5 s at the bench's large scale, 1M integrations); with the platform inside,
-- a generic plan ANDed the GIN matches with a quarter of the platform index (449 blocks for 38 rows
-- at large, growing with the table). The price: every integration holding the value, on any
-- platform, is read and kept before the limit, so a value most integrations hold (a flag such as
-- auto_reply) costs a read of most of the table, seconds at large, where the key walk stopped after
-- a few hundred rows. Containment is for keys few integrations share (a shop, an account id), and
-- find_by_settings refuses an empty object.
with matching as materialized (
    select id, user_id, platform_id, encryption_key_id, settings, status, status_message, last_sync_at,
           next_sync_at, sync_interval_minutes, sync_claimed_at, metadata, created_at, updated_at
    from easyflow.integrations
    where settings @> :settings
)
select id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
       status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
       created_at, updated_at
from matching
where platform_id = :platform_id
order by id
limit :lim;

-- name: merge_integration_settings(id, patch)<!
-- Merge a patch into an integration's settings (top-level keys of the patch win).
update easyflow.integrations
set settings = settings || :patch
where id = :id
returning id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
          status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
          created_at, updated_at;

-- name: set_integration_sync_interval(id, sync_interval_minutes)<!
-- Change how often an integration syncs (next_sync_at follows).
update easyflow.integrations
set sync_interval_minutes = :sync_interval_minutes
where id = :id
returning id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
          status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
          created_at, updated_at;

-- name: disconnect_integration(id)<!
-- Disconnect: the credentials are erased, syncing stops.
update easyflow.integrations
set status = 'disconnected',
    status_message = null,
    credentials_encrypted = null,
    encryption_key_id = null,
    sync_claimed_at = null
where id = :id
returning id, user_id, platform_id, encryption_key_id, encryption_key_id is not null as has_credentials, settings,
          status, status_message, last_sync_at, next_sync_at, sync_interval_minutes, sync_claimed_at, metadata,
          created_at, updated_at;

-- name: get_sealed_credentials(id)^
-- The sealed credentials of one integration, for the one function that decrypts them: through
-- easyflow.integration_credentials (0077), which only sqlfirst_worker may execute (the column is secret).
select id, credentials_encrypted, encryption_key_id
from easyflow.integration_credentials(:id);

-- name: lock_credentials_to_rekey(current_key_id, after_id, lim)
-- The next batch of sealed credentials not under the current key, by id after a cursor, row-locked:
-- through easyflow.lock_credentials_to_rekey (0077, sqlfirst_worker only), which walks the primary
-- key from the cursor and stops at lim.
select id, credentials_encrypted, encryption_key_id
from easyflow.lock_credentials_to_rekey(:current_key_id, :after_id, :lim);

-- name: rekey_credentials(id, old_key_id, credentials_encrypted, encryption_key_id)!
-- Store credentials re-sealed under another key, unless they changed since they were read.
update easyflow.integrations
set credentials_encrypted = :credentials_encrypted,
    encryption_key_id = :encryption_key_id
where id = :id
  and encryption_key_id = :old_key_id;

-- name: count_credentials_to_rekey(current_key_id)$
-- How many integrations hold credentials sealed under another key than the current one.
select count(*)
from easyflow.integrations
where encryption_key_id <> :current_key_id;

-- name: delete_integration(id)!
-- Delete an integration with its sync logs and metrics.
delete from easyflow.integrations
where id = :id;
