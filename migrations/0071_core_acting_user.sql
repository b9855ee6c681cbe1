-- depends: 0070_core_roles
--
-- The acting user of a transaction, for row-level security policies. sqlfirst sets it per
-- transaction with set_config('sqlfirst.user_id', <uuid>, true) (Database.transaction(as_user=...),
-- defaulting to sqlfirst.acting.current_user()); being transaction-local it ends with COMMIT or
-- ROLLBACK, so a pooled connection never carries a user into the next transaction. Unset (or
-- reset to '' by the end of an earlier transaction) it is NULL, and a policy comparing a tenant
-- column with NULL shows nothing: no user, no tenant rows.
--
-- A plain SQL function without SET clauses, so the planner inlines it; policies call it as
-- (select core.acting_user()) to have it evaluated once per statement, not once per row.
create function core.acting_user()
returns uuid
language sql
stable
parallel safe
as $$
    select nullif(pg_catalog.current_setting('sqlfirst.user_id', true), '')::uuid
$$;

comment on function core.acting_user() is
    'The user the current transaction acts for (setting sqlfirst.user_id), or NULL: what RLS policies compare with.';
