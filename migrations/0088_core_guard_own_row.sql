-- depends: 0083_core_bound_by_row_security
--
-- A row trigger that keeps a shared table's rows for the user each one belongs to (issue 11, found
-- by an adversarial review): the users tables of agent_hub, deals and easyflow are the tenant
-- registry, read by everyone and so kept without row-level security (0083: a policy, even `true`,
-- costs the planner its statistics), and every acting user could update or delete any account by
-- its id; deleting one cascades through foreign keys, which RLS does not see, to all of that user's
-- rows. Attached BEFORE UPDATE OR DELETE ... FOR EACH ROW, with the column that names the row's user
-- as its argument (default 'id'): under RLS rules (core.bound_by_row_security()) a row whose user is
-- not the acting user is refused with insufficient_privilege (PermissionDenied); the worker, the
-- owner and its SECURITY DEFINER code pass. The planner never sees a trigger.

create function core.guard_own_row()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
declare
    column_name text := coalesce(tg_argv[0], 'id');
    row_user uuid := (to_jsonb(old) ->> column_name)::uuid;
begin
    if core.bound_by_row_security() and row_user is distinct from core.acting_user() then
        raise exception 'a row of %.% is changed or deleted only by its own user, acting (%)',
                        tg_table_schema, tg_table_name,
                        coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = tg_table_schema, table = tg_table_name;
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end;
$$;

comment on function core.guard_own_row() is
    'BEFORE UPDATE/DELETE row trigger: under RLS rules only the user named by column TG_ARGV[0] (default id) changes the row.';
