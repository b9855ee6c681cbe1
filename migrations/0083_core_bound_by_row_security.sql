-- depends: 0079_core_secure_partitions
--
-- Whether the current role is bound by row-level security, for write guards in triggers on shared
-- tables that keep no RLS (0084): a table with a policy, even `using (true)`, makes PostgreSQL ignore
-- column statistics for comparisons that are not LEAKPROOF, so a table everyone reads stays without
-- RLS and a statement trigger keeps its writes for whom the domain says, plus the roles RLS would
-- not bind either (superusers and BYPASSRLS: the worker, the owner and its SECURITY DEFINER code).

create function core.bound_by_row_security()
returns boolean
language sql
stable
set search_path = pg_catalog
as $$
    select not (rolsuper or rolbypassrls) from pg_roles where rolname = current_user
$$;

comment on function core.bound_by_row_security() is
    'Whether the current role is subject to row-level security (neither superuser nor BYPASSRLS).';

-- The owner too: its SECURITY DEFINER trigger functions write guarded tables (0084's facets).
grant usage on schema core to sqlfirst_owner;
grant execute on function core.bound_by_row_security()
    to sqlfirst_owner, sqlfirst_app, sqlfirst_worker, sqlfirst_readonly;
