-- depends: 0084_devskyy_catalogue_guard
--
-- Two ways around devskyy's rules that 0076 left to the application role, both closed here.
--
-- devskyy.place_order_as_owner (0076) takes stock and writes an order as the owner, for any user it
-- is given; the application role could execute it directly and skip devskyy.place_order's check, so
-- a customer could place an order in another customer's name by raw SQL. The check moves into the
-- one entry point: devskyy.place_order becomes SECURITY DEFINER (fixed search_path) and refuses a
-- caller bound by row-level security (neither superuser nor BYPASSRLS) placing an order for anyone
-- but the acting user, or a guest order while somebody acts, as before; place_order_as_owner is the
-- owner's alone. Inside a SECURITY DEFINER function current_user is the owner, so the caller is the
-- session's role (SET ROLE, how Settings.role applies it), else the login: the application role
-- cannot set a role it is not a member of, and a login that may reset its role to a superuser is
-- a superuser already.
--
-- devskyy's three SECURITY DEFINER trigger functions (0076) kept PostgreSQL's default EXECUTE for
-- PUBLIC. A trigger function's privilege is checked when a trigger is created, not when it fires,
-- so with it the application role could attach one to a temporary table of its own and fire it at
-- will, as the owner: restock_cancelled_order restocked an order's items again on every insert,
-- and sync_product_facets wrote any product's facets, past 0084's catalogue guard (the owner is not
-- bound by RLS). Nobody needs to execute them but their own triggers, which keep firing.
create or replace function devskyy.place_order(
    p_user_id uuid,
    p_product_ids uuid[],
    p_quantities integer[],
    p_extra_charges numeric,
    p_metadata jsonb
)
returns table (
    id uuid,
    order_number varchar,
    user_id uuid,
    status devskyy.order_status,
    total_price numeric,
    subtotal numeric,
    created_at timestamptz,
    updated_at timestamptz,
    metadata jsonb,
    items jsonb
)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    -- Who called: the role set for the session (SET ROLE, as Settings.role does), else the login.
    -- A SECURITY DEFINER function changes current_user, not these.
    caller name := coalesce(nullif(current_setting('role'), 'none'), session_user);
begin
    if exists (select from pg_roles where rolname = caller and not (rolsuper or rolbypassrls))
       and p_user_id is distinct from core.acting_user() then
        raise exception 'an order is placed for the acting user (%), not for %',
                        coalesce(core.acting_user()::text, 'nobody: a guest order'), coalesce(p_user_id::text, 'a guest')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'orders';
    end if;
    return query
    select * from devskyy.place_order_as_owner(p_user_id, p_product_ids, p_quantities, p_extra_charges, p_metadata);
end;
$$;

revoke execute on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb)
    from sqlfirst_app, sqlfirst_worker;
revoke execute on function devskyy.restock_cancelled_order() from public;
revoke execute on function devskyy.sync_product_facets() from public;
revoke execute on function devskyy.check_order_subtotal() from public;
