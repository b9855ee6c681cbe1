-- depends: 0175_core_database_chosen_columns
--
-- core.refuse_shared_ids(schema): stop a migration while two tenants share an id the database now
-- chooses. 0175-0178 took the choice of these ids from the application role, but did not look at
-- the rows already written: a twin made before (a row of one user under another user's id, which
-- the (id, user_id) keys allowed) would still meet every statement that finds a row by id alone (a
-- trigger counting a conversation's messages, a goal's matches, a child filling its parent's user).
-- Each registered column leads its table's primary key ((id, <tenant>)), so an id held twice is held
-- by two tenants. The check reads each table whole once (by that key's index, or a scan and a sort,
-- as the planner finds cheaper) and holds no lock a writer waits for. It names
-- every table holding twins: how many ids, and the first 20 of each. A registered table that no
-- longer exists has nothing to check.
create or replace function core.refuse_shared_ids(p_schema name)
returns void
language plpgsql
set search_path = pg_catalog
-- A role that row security would filter gets an error here, never a check of the rows it may see.
set row_security = off
as $$
declare
    chosen record;
    shared text;
    how_many bigint;
    found text[] := '{}';
begin
    for chosen in
        select table_name, column_name
          from core.database_chosen_columns
         where schema_name = p_schema
         order by table_name, column_name
    loop
        continue when to_regclass(format('%I.%I', p_schema, chosen.table_name)) is null;
        execute format(
            'select string_agg(k::text, '', '' order by k) filter (where n <= 20), count(*)'
            ' from (select %2$I as k, row_number() over (order by %2$I) as n'
            '        from %1$s group by %2$I having count(*) > 1) as twins',
            format('%I.%I', p_schema, chosen.table_name), chosen.column_name)
          into shared, how_many;
        if how_many > 0 then
            found := found || format('%I.%I.%I: %s id(s)%s: %s', p_schema, chosen.table_name,
                                     chosen.column_name, how_many,
                                     case when how_many > 20 then ' (the first 20)' else '' end, shared);
        end if;
    end loop;
    if cardinality(found) > 0 then
        raise exception 'ids that two users share (written before the database chose them): %',
            array_to_string(found, '; ')
            using hint = 'delete one row of each shared id, or give it a new id, then migrate again';
    end if;
end;
$$;

comment on function core.refuse_shared_ids(name) is
    'Raises, naming them, while a column of core.database_chosen_columns in the schema holds a value twice (two tenants sharing an id).';

revoke execute on function core.refuse_shared_ids(name) from public;
