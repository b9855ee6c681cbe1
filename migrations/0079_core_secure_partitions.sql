-- depends: 0075_ai_seo_row_security 0076_devskyy_row_security 0077_easyflow_row_security 0078_deals_row_security_rest
--
-- Row-level security on a partitioned table applies to queries through the parent only: a query
-- naming a partition directly is not checked against the parent's policies, and the schema's
-- grants (0070's default privileges) reach every partition. Every partition of a table with RLS
-- loses the application and read-only roles' grants (a direct query is PermissionDenied; through
-- the parent, privileges are the parent's) and gets RLS enabled and forced with no policy of its
-- own, so it reads and writes nothing even for a role granted later: now (every partition the
-- domains' migrations made) and for every partition made later, since
-- core.run_partition_maintenance now secures what it creates (monthly partitions, the DEFAULT one).
create function core.secure_partitions(p_parent regclass default null)
returns integer
language plpgsql
as $$
declare
    v_partition regclass;
    v_secured integer := 0;
begin
    for v_partition in
        select tree.relid
        from pg_class as parent
        cross join lateral pg_partition_tree(parent.oid) as tree
        where parent.relkind = 'p'
          and parent.relrowsecurity
          and (p_parent is null or parent.oid = p_parent)
          and tree.relid <> parent.oid
    loop
        execute format('revoke all on table %s from sqlfirst_app, sqlfirst_readonly', v_partition);
        continue when (select relrowsecurity and relforcerowsecurity from pg_class where oid = v_partition);
        execute format('alter table %s enable row level security', v_partition);
        execute format('alter table %s force row level security', v_partition);
        v_secured := v_secured + 1;
    end loop;
    return v_secured;
end
$$;
comment on function core.secure_partitions(regclass) is
    'Takes the app and read-only grants from every partition of a partitioned table that has RLS (of p_parent, or of all) and enables and forces RLS on it, with no policy; returns how many it newly forced.';
revoke execute on function core.secure_partitions(regclass) from public;

select core.secure_partitions();

-- Maintenance creates partitions: it secures them before it returns. The 0002 body keeps its code
-- under a new name and a function of the old name and signature wraps it, so no caller breaks.
-- squawk-ignore renaming-object
alter function core.run_partition_maintenance(regclass) rename to run_partition_maintenance_unsecured;
create function core.run_partition_maintenance(p_parent regclass default null)
returns table (parent_table text, action text, partition_name text, row_count bigint)
language plpgsql
as $$
begin
    return query select * from core.run_partition_maintenance_unsecured(p_parent);
    perform core.secure_partitions(p_parent);
end
$$;
comment on function core.run_partition_maintenance(regclass) is
    'core.run_partition_maintenance_unsecured (0002), then core.secure_partitions on what it touched.';
revoke execute on function core.run_partition_maintenance(regclass) from public;
