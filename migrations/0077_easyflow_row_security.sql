-- depends: 0053_easyflow_queue_autovacuum 0071_core_acting_user
--
-- Tenant isolation for easyflow (issue 11), as 0072 and 0073 did for agent_hub and deals. The
-- tenant is the user: every table a user owns carries user_id (0050), and each gets row-level
-- security, enabled and FORCED, with one policy on the acting user of the transaction:
--   integrations, conversations, messages (the partitioned parent), message_platform_ids,
--   sync_logs, platform_metrics, outbound_messages.
-- A platform-wide metric (user_id null) belongs to no tenant: only roles that bypass RLS (the
-- worker, the owner) see or write it. users is the tenant registry (sign-up comes before an acting
-- user) and platforms is shared reference data: no RLS. The composite foreign keys of 0050 already
-- keep a child in its parent's tenancy, and foreign key checks are not subject to RLS.
--
-- Queue workers act across tenants and run as sqlfirst_worker (BYPASSRLS): claiming due syncs and
-- outbound deliveries, finishing them, failing abandoned syncs, purging dedupe keys, rotating keys.
-- As the app role with no acting user those queues read as empty.
--
-- Partitions: a policy on the partitioned parent guards queries through the parent only, and
-- "grant ... on all tables in schema" (core.grant_domain_privileges) granted the app and read-only
-- roles every partition of messages too, so `select * from easyflow.messages_default` read every
-- tenant's messages around the policy. Every partition of messages (attached or detached by
-- retention) loses those grants and gets RLS enabled and forced with no policy (nothing visible
-- to a role that does not bypass RLS, even if a later grant comes back). The same holds for the
-- partitions partition maintenance creates later only once it does the same for them: see
-- easyflow.protect_message_partitions() below, which maintenance or an operator can run.
--
-- Secrets: integrations.credentials_encrypted is unselectable by every role but the owner
-- (core.secret_columns). Queries report has_credentials as `encryption_key_id is not null`
-- (ck_integrations_credentials_key: both or neither), which needs no privilege on the ciphertext.
-- A sync worker gets one integration's sealed credentials through
-- easyflow.integration_credentials(id), and key rotation locks its batches through
-- easyflow.lock_credentials_to_rekey(...): SECURITY DEFINER with a fixed search_path, owned by
-- sqlfirst_owner (BYPASSRLS), executable by sqlfirst_worker only.

alter table easyflow.integrations enable row level security;
alter table easyflow.integrations force row level security;
create policy rls_integrations_own on easyflow.integrations for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.conversations enable row level security;
alter table easyflow.conversations force row level security;
create policy rls_conversations_own on easyflow.conversations for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.messages enable row level security;
alter table easyflow.messages force row level security;
create policy rls_messages_own on easyflow.messages for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.message_platform_ids enable row level security;
alter table easyflow.message_platform_ids force row level security;
create policy rls_message_platform_ids_own on easyflow.message_platform_ids for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.sync_logs enable row level security;
alter table easyflow.sync_logs force row level security;
create policy rls_sync_logs_own on easyflow.sync_logs for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.platform_metrics enable row level security;
alter table easyflow.platform_metrics force row level security;
create policy rls_platform_metrics_own on easyflow.platform_metrics for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table easyflow.outbound_messages enable row level security;
alter table easyflow.outbound_messages force row level security;
create policy rls_outbound_messages_own on easyflow.outbound_messages for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

insert into core.secret_columns (schema_name, table_name, column_name)
values ('easyflow', 'integrations', 'credentials_encrypted');

create function easyflow.integration_credentials(p_integration_id uuid)
returns table (id uuid, credentials_encrypted bytea, encryption_key_id varchar)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select i.id, i.credentials_encrypted, i.encryption_key_id
      from easyflow.integrations as i
     where i.id = p_integration_id
       and i.credentials_encrypted is not null
$$;

comment on function easyflow.integration_credentials(uuid) is
    'The sealed credentials of one integration, for the sync worker (sqlfirst_worker) only: handing credentials over.';

-- textne() is `<>` in function form, on purpose (see sql/easyflow/integrations.sql): the batch walks
-- the primary key from the cursor and stops at the limit.
create function easyflow.lock_credentials_to_rekey(p_current_key_id text, p_after_id uuid, p_limit integer)
returns table (id uuid, credentials_encrypted bytea, encryption_key_id varchar)
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    select i.id, i.credentials_encrypted, i.encryption_key_id
      from easyflow.integrations as i
     where textne(i.encryption_key_id, p_current_key_id)
       and i.id > p_after_id
     order by i.id
     limit p_limit
       for update
$$;

comment on function easyflow.lock_credentials_to_rekey(text, uuid, integer) is
    'The next batch of sealed credentials not under the current key, row-locked: key rotation (sqlfirst_worker) only.';

-- Every partition of messages, attached or left detached by retention (a plain table then, still
-- named messages_p*), loses the roles' grants and gets forced RLS without a policy. Idempotent.
create function easyflow.protect_message_partitions()
returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_partition regclass;
    v_count integer := 0;
begin
    for v_partition in
        select c.oid::regclass
          from pg_class as c
         where c.relnamespace = 'easyflow'::regnamespace
           and c.relkind = 'r'
           and (c.oid in (select i.inhrelid from pg_inherits as i where i.inhparent = 'easyflow.messages'::regclass)
                or c.relname = 'messages_default'
                or c.relname ~ '^messages_p[0-9]{4}_[0-9]{2}$')
    loop
        execute format('revoke all on %s from sqlfirst_app, sqlfirst_readonly', v_partition);
        execute format('alter table %s enable row level security', v_partition);
        execute format('alter table %s force row level security', v_partition);
        v_count := v_count + 1;
    end loop;
    return v_count;
end;
$$;

comment on function easyflow.protect_message_partitions() is
    'Revokes the app and read-only roles'' grants on every partition of messages and forces RLS on it; run after partition maintenance.';

revoke execute on function easyflow.integration_credentials(uuid) from public;
revoke execute on function easyflow.lock_credentials_to_rekey(text, uuid, integer) from public;
revoke execute on function easyflow.protect_message_partitions() from public;
select core.grant_domain_privileges('easyflow');
select easyflow.protect_message_partitions();
grant execute on function easyflow.integration_credentials(uuid) to sqlfirst_worker;
grant execute on function easyflow.lock_credentials_to_rekey(text, uuid, integer) to sqlfirst_worker;
