-- name: claim_due_integrations(sync_type, lim)
-- queue:sync_orders: claim up to lim due connected integrations (SKIP LOCKED) and open a running sync log each.
-- The picks are updated by key (id = any(array(...))): joined to them, a generic plan, blind to lim,
-- hashed the whole table for ten rows.
with due as (
    select id
    from easyflow.integrations
    where status = 'connected'
      and next_sync_at <= now()
      and sync_claimed_at is null
    order by next_sync_at
    limit :lim
    for update skip locked
),
claimed as (
    update easyflow.integrations as i
    set sync_claimed_at = now()
    where i.id = any(array(select id from due))
    returning i.id, i.user_id, i.platform_id, i.settings, i.next_sync_at
),
opened as (
    insert into easyflow.sync_logs (integration_id, user_id, sync_type, status)
    select claimed.id, claimed.user_id, :sync_type, 'running'
    from claimed
    returning id, integration_id, sync_type, started_at
)
select opened.id as sync_log_id, claimed.id as integration_id, claimed.user_id, claimed.platform_id,
       opened.sync_type, claimed.settings, claimed.next_sync_at as due_at, opened.started_at
from claimed
join opened on opened.integration_id = claimed.id
order by claimed.next_sync_at, claimed.id;

-- name: finish_sync(id, status, records_requested, records_synced, records_failed, errors, error_message)<!
-- Close a running sync with its results; stamps the integration's last sync (next_sync_at follows) and status.
-- "Still running" is said as completed_at is null (the same thing: ck_sync_logs_completed_at), so no
-- index on running syncs matches it and the log is found by its primary key whatever the statistics
-- believe: a few syncs in flight among millions of logs are seldom in ANALYZE's sample, and planned
-- for "one running sync", `status = 'running'` read every running sync to find this one.
with finished as (
    update easyflow.sync_logs
    set status = :status,
        completed_at = greatest(now(), started_at),
        records_requested = :records_requested,
        records_synced = :records_synced,
        records_failed = :records_failed,
        errors = :errors,
        error_message = :error_message
    where id = :id
      and completed_at is null
    returning id, integration_id, user_id, sync_type, status, records_requested, records_synced, records_failed,
              errors, error_message, started_at, completed_at, duration_seconds, metadata
),
integration as (
    update easyflow.integrations as i
    set last_sync_at = finished.completed_at,
        sync_claimed_at = null,
        status = case
            when i.status <> 'connected' then i.status
            when finished.status = 'failed' then 'error'::easyflow.integration_status
            else 'connected'::easyflow.integration_status
        end,
        status_message = case when finished.status = 'failed' then finished.error_message end
    from finished
    where i.id = finished.integration_id
)
select id, integration_id, user_id, sync_type, status, records_requested, records_synced, records_failed,
       errors, error_message, started_at, completed_at, duration_seconds, metadata
from finished;

-- name: get_sync_log(id)^
-- The sync log with this id.
select id, integration_id, user_id, sync_type, status, records_requested, records_synced, records_failed,
       errors, error_message, started_at, completed_at, duration_seconds, metadata
from easyflow.sync_logs
where id = :id;

-- name: list_sync_logs(integration_id, since, until, lim)
-- An integration's syncs started in [since, until), newest first.
select id, integration_id, user_id, sync_type, status, records_requested, records_synced, records_failed,
       errors, error_message, started_at, completed_at, duration_seconds, metadata
from easyflow.sync_logs
where integration_id = :integration_id
  and started_at >= :since
  and started_at < :until
order by started_at desc, id desc
limit :lim;

-- name: fail_abandoned_syncs(older_than)!
-- Syncs running longer than older_than (their worker is gone) become failed; their integrations free,
-- each by primary key (`= any(array(...))`): no plan joins the abandoned against a scan of them all.
with abandoned as (
    update easyflow.sync_logs
    set status = 'failed',
        completed_at = greatest(now(), started_at),
        error_message = 'abandoned: no result reported'
    where status = 'running'
      and started_at < now() - :older_than::interval
    returning integration_id
)
update easyflow.integrations as i
set sync_claimed_at = null
where i.id = any(array(select integration_id from abandoned));
