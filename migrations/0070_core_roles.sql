-- depends: 0002_core_partitions
--
-- Least privilege: until now every query ran as whoever ran the migrations (in practice a
-- superuser), so a forgotten WHERE or an injected statement could read any tenant's rows, drop a
-- table or read the migration bookkeeping. Four cluster-wide roles split that power:
--
--   sqlfirst_owner     owns the schemas and their objects; runs migrations (DDL); BYPASSRLS.
--   sqlfirst_app       reads and writes rows of the domain schemas; no DDL, no TRUNCATE, nothing
--                      of core's internals or of the migration bookkeeping; subject to RLS.
--   sqlfirst_readonly  selects rows of the domain schemas (reporting, replicas); subject to RLS.
--   sqlfirst_worker    the app's privileges plus BYPASSRLS, for queue workers and maintenance
--                      that must see every tenant; used explicitly, never by request handlers.
--
-- Roles belong to the cluster, not the database: another database on the same server (the test
-- suite makes many) may have created them already, concurrently even, so creation tolerates that.
-- They are made NOLOGIN here; `sqlfirst db roles` gives them passwords (LOGIN) from configuration.
-- Grants belong to the database: core.grant_domain_privileges() grants on every object of a domain
-- schema and sets default privileges there, so tables that later migrations create get the same
-- grants. A new domain's first migration calls it for its schema.
do $$
declare
    wanted constant text[] := array['sqlfirst_owner', 'sqlfirst_app', 'sqlfirst_readonly', 'sqlfirst_worker'];
    role_name text;
begin
    foreach role_name in array wanted loop
        if not exists (select from pg_roles where rolname = role_name) then
            begin
                execute format('create role %I nologin', role_name);
            exception when duplicate_object or unique_violation then
                null;  -- another database's migration created it a moment ago
            end;
        end if;
    end loop;
end;
$$;

-- The worker sees every tenant, and so does the owner: migrations that move data must see every
-- row, and the SECURITY DEFINER functions it owns (login, token authentication) find rows before a
-- user acts. The app and read-only roles never do. BYPASSRLS is a cluster-wide role attribute that
-- only a superuser may give: set here when this migrator is one, by `sqlfirst db roles` otherwise.
do $$
begin
    if (select rolsuper from pg_roles where rolname = current_user) then
        alter role sqlfirst_worker bypassrls;
        alter role sqlfirst_owner bypassrls;
    end if;
end;
$$;

create function core.domain_schemas()
returns setof name
language sql
stable
set search_path = pg_catalog
as $$
    select nspname
      from pg_namespace
     where nspname not like 'pg\_%'
       and nspname not in ('information_schema', 'public', 'core')
     order by nspname;
$$;

comment on function core.domain_schemas() is
    'The schemas of the installed domains: every schema but core, public and the system''s.';

-- Secret columns (password hashes, token hashes, API keys): a domain registers them here, and
-- the roles get SELECT on every other column of the table instead of the whole table, so no query
-- of theirs, forgotten or injected, can read one. The few operations that need a secret go through
-- SECURITY DEFINER functions of the domain.
create table core.secret_columns (
    schema_name name not null,
    table_name name not null,
    column_name name not null,
    constraint pk_secret_columns primary key (schema_name, table_name, column_name)
);

comment on table core.secret_columns is
    'Columns no role but the owner may select; core.grant_domain_privileges() grants around them.';

create function core.grant_domain_privileges(p_schema name)
returns void
language plpgsql
set search_path = pg_catalog
as $$
declare
    object record;
    migrator text := current_user;
begin
    -- The owner role owns the schema and its objects (extension members stay the extension's; a
    -- column's sequence follows its table), so a login that is sqlfirst_owner can run every later
    -- migration without a superuser.
    if pg_has_role(migrator, 'sqlfirst_owner', 'MEMBER') and migrator <> 'sqlfirst_owner' then
        execute format('alter schema %I owner to sqlfirst_owner', p_schema);
        for object in
            select c.oid, c.relkind
              from pg_class c
             where c.relnamespace = p_schema::regnamespace
               and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
               and not exists (select from pg_depend d
                                where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                  and (d.deptype = 'e' or (c.relkind = 'S' and d.deptype in ('a', 'i'))))
        loop
            execute format('alter %s %s owner to sqlfirst_owner',
                           case object.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                               when 'f' then 'foreign table' when 'S' then 'sequence'
                                               else 'table' end,
                           object.oid::regclass);
        end loop;
        for object in
            select p.oid, p.prokind
              from pg_proc p
             where p.pronamespace = p_schema::regnamespace
               and not exists (select from pg_depend d
                                where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
        loop
            execute format('alter %s %s owner to sqlfirst_owner',
                           case object.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
                                               else 'function' end,
                           object.oid::regprocedure);
        end loop;
        for object in
            select t.oid
              from pg_type t
             where t.typnamespace = p_schema::regnamespace
               and t.typtype in ('e', 'd', 'r')
               and not exists (select from pg_depend d
                                where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
        loop
            execute format('alter type %s owner to sqlfirst_owner', object.oid::regtype);
        end loop;
    end if;

    execute format('grant usage on schema %I to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker', p_schema);
    execute format('grant select, insert, update, delete on all tables in schema %I to sqlfirst_app, sqlfirst_worker',
                   p_schema);
    execute format('grant select on all tables in schema %I to sqlfirst_readonly', p_schema);
    for object in
        select s.table_name,
               (select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
                  from pg_attribute a
                 where a.attrelid = format('%I.%I', p_schema, s.table_name)::regclass
                   and a.attnum > 0 and not a.attisdropped
                   and a.attname <> all (s.secrets)) as readable
          from (select table_name, array_agg(column_name) as secrets
                  from core.secret_columns
                 where schema_name = p_schema
                 group by table_name) as s
    loop
        execute format('revoke select on %I.%I from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       p_schema, object.table_name);
        execute format('grant select (%s) on %I.%I to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       object.readable, p_schema, object.table_name);
    end loop;
    execute format('grant usage, select on all sequences in schema %I to sqlfirst_app, sqlfirst_worker', p_schema);
    execute format('grant select on all sequences in schema %I to sqlfirst_readonly', p_schema);
    -- Functions: PUBLIC may execute them unless a migration revoked that on purpose (a SECURITY
    -- DEFINER function for one role); such a function is granted explicitly, never here.

    -- Default privileges are kept per creating role: for the role running this migration, and for
    -- sqlfirst_owner when that is another role this one may act for.
    foreach migrator in array array_remove(array[current_user::text,
            case when pg_has_role(current_user, 'sqlfirst_owner', 'MEMBER') then 'sqlfirst_owner' end], null)
    loop
        execute format('alter default privileges for role %I in schema %I '
                       'grant select, insert, update, delete on tables to sqlfirst_app, sqlfirst_worker',
                       migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant select on tables to sqlfirst_readonly', migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant usage, select on sequences to sqlfirst_app, sqlfirst_worker', migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant select on sequences to sqlfirst_readonly', migrator, p_schema);
    end loop;
end;
$$;

comment on function core.grant_domain_privileges(name) is
    'Hands a domain schema to sqlfirst_owner and grants the app, read-only and worker roles on it, now and by default.';

select core.grant_domain_privileges(schema_name) from core.domain_schemas() as schema_name;

-- Core: the app may name its types (core.vector) and fire its trigger functions, nothing more. Its
-- bookkeeping table and the partition functions are the owner's and the worker's.
grant usage on schema core to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;
revoke execute on function core.domain_schemas() from public;
revoke execute on function core.grant_domain_privileges(name) from public;
revoke execute on function core.register_partitioned_table(regclass, text, integer, interval, text) from public;
revoke execute on function core.unregister_partitioned_table(regclass) from public;
revoke execute on function core.run_partition_maintenance(regclass) from public;
revoke execute on function core.partition_status() from public;
grant execute on function core.partition_status() to sqlfirst_worker, sqlfirst_readonly;
grant select on core.partitioned_tables to sqlfirst_worker, sqlfirst_readonly;
