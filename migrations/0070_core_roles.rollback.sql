-- The roles stay: they belong to the cluster, and other databases on it may use them.
revoke select on core.partitioned_tables from sqlfirst_worker, sqlfirst_readonly;
revoke execute on function core.partition_status() from sqlfirst_worker, sqlfirst_readonly;
grant execute on function core.partition_status() to public;
grant execute on function core.run_partition_maintenance(regclass) to public;
grant execute on function core.unregister_partitioned_table(regclass) to public;
grant execute on function core.register_partitioned_table(regclass, text, integer, interval, text) to public;
revoke usage on schema core from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

do $$
declare
    schema_name name;
    creator text;
begin
    for schema_name in select nspname from pg_namespace
                        where nspname not like 'pg\_%' and nspname not in ('information_schema', 'public', 'core')
    loop
        foreach creator in array array_remove(array[current_user::text,
                case when pg_has_role(current_user, 'sqlfirst_owner', 'MEMBER') then 'sqlfirst_owner' end], null)
        loop
            execute format('alter default privileges for role %I in schema %I revoke all on tables '
                           'from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker', creator, schema_name);
            execute format('alter default privileges for role %I in schema %I revoke all on sequences '
                           'from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker', creator, schema_name);
        end loop;
        execute format('revoke all on all functions in schema %I from sqlfirst_app, sqlfirst_worker', schema_name);
        execute format('revoke all on all sequences in schema %I from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       schema_name);
        execute format('revoke all on all tables in schema %I from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       schema_name);
        execute format('revoke all on schema %I from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker', schema_name);
    end loop;
    if pg_has_role(current_user, 'sqlfirst_owner', 'MEMBER') and current_user <> 'sqlfirst_owner' then
        execute format('reassign owned by sqlfirst_owner to %I', current_user);
    end if;
end;
$$;

drop function core.grant_domain_privileges(name);
drop table core.secret_columns;
drop function core.domain_schemas();
