create or replace function core.grant_domain_privileges(p_schema name)
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
    -- Columns the database chooses (core.database_chosen_columns): the app may insert and update every
    -- other column of the table, so it cannot choose one.
    for object in
        select s.table_name,
               (select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
                  from pg_attribute a
                 where a.attrelid = format('%I.%I', p_schema, s.table_name)::regclass
                   and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   and a.attname <> all (s.chosen)) as writable
          from (select table_name, array_agg(column_name) as chosen
                  from core.database_chosen_columns
                 where schema_name = p_schema
                 group by table_name) as s
    loop
        execute format('revoke insert, update on %I.%I from sqlfirst_app', p_schema, object.table_name);
        continue when object.writable is null;  -- every column is the database's: nothing to grant
        execute format('grant insert (%s), update (%s) on %I.%I to sqlfirst_app',
                       object.writable, object.writable, p_schema, object.table_name);
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
    -- The schema-wide grants above reach partitions too: those of a table with RLS lose them again
    -- (core.secure_partitions, 0079), so a re-grant of a domain opens no partition to a direct query.
    perform core.secure_partitions();
end;
$$;
