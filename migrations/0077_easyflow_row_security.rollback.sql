revoke execute on function easyflow.lock_credentials_to_rekey(text, uuid, integer) from sqlfirst_worker;
revoke execute on function easyflow.integration_credentials(uuid) from sqlfirst_worker;
drop function easyflow.lock_credentials_to_rekey(text, uuid, integer);
drop function easyflow.integration_credentials(uuid);
delete from core.secret_columns where schema_name = 'easyflow' and table_name = 'integrations';
grant select on easyflow.integrations to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

-- The partitions of messages: back to the grants and RLS flags of every other easyflow table.
do $$
declare
    v_partition regclass;
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
        execute format('alter table %s no force row level security', v_partition);
        execute format('alter table %s disable row level security', v_partition);
        execute format('grant select, insert, update, delete on %s to sqlfirst_app', v_partition);
        execute format('grant select on %s to sqlfirst_readonly', v_partition);
    end loop;
end;
$$;
drop function easyflow.protect_message_partitions();

drop policy rls_outbound_messages_own on easyflow.outbound_messages;
alter table easyflow.outbound_messages no force row level security;
alter table easyflow.outbound_messages disable row level security;

drop policy rls_platform_metrics_own on easyflow.platform_metrics;
alter table easyflow.platform_metrics no force row level security;
alter table easyflow.platform_metrics disable row level security;

drop policy rls_sync_logs_own on easyflow.sync_logs;
alter table easyflow.sync_logs no force row level security;
alter table easyflow.sync_logs disable row level security;

drop policy rls_message_platform_ids_own on easyflow.message_platform_ids;
alter table easyflow.message_platform_ids no force row level security;
alter table easyflow.message_platform_ids disable row level security;

drop policy rls_messages_own on easyflow.messages;
alter table easyflow.messages no force row level security;
alter table easyflow.messages disable row level security;

drop policy rls_conversations_own on easyflow.conversations;
alter table easyflow.conversations no force row level security;
alter table easyflow.conversations disable row level security;

drop policy rls_integrations_own on easyflow.integrations;
alter table easyflow.integrations no force row level security;
alter table easyflow.integrations disable row level security;
