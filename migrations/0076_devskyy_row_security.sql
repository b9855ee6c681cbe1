-- depends: 0043_devskyy_plan_indexes 0071_core_acting_user
--
-- Tenant isolation for devskyy (issue 11), as 0072 and 0073 did for agent_hub and deals. The tenant
-- is the customer (users.id). Row-level security, enabled and FORCED (superusers, sqlfirst_owner and
-- sqlfirst_worker bypass it), on the acting user of the transaction, core.acting_user():
--
--   orders          a customer's own (user_id = acting user), for every command.
--   order_items     those of orders you can see (the orders policy applies inside the subquery).
--   products        the shared catalogue: everyone reads it (no acting user needed); inserting,
--                   changing and deleting a product is for an acting user whose role is staff or
--                   admin (devskyy.user_is_staff), the worker and the owner. Customers
--                   move stock only by placing and cancelling orders (functions below).
--   product_facets  derived from products by its trigger: everyone reads it, nobody under RLS
--                   writes it directly (the trigger function runs as the owner).
--   users           the tenant registry: readable by all (sign-up, login and every request read a
--                   user before or while acting), sign-up needs no acting user; a user changes or
--                   deletes their own row, an admin anyone's. Only an admin (or the worker/owner)
--                   gives a role other than customer (devskyy.guard_user_role()), so the staff
--                   check above cannot be granted to oneself.
--
-- Guest orders (user_id NULL: checkout without an account, or a deleted customer's orders, kept as
-- the shop's records) belong to no tenant: under RLS nobody sees, changes or deletes them; the
-- worker (BYPASSRLS) handles them. The application may still place one when nobody acts (guest
-- checkout): place_order returns it, and that is the last the application role sees of it.
--
-- Platform data, no tenant and no RLS (the seed gives them no per-customer visibility): the agent
-- execution log and its key table, the tool execution audit trail (its user_id says who invoked a
-- tool, for auditing, not whose row it is), the LLM round-table results and the RAG knowledge base.
-- The application, worker and read-only roles read them (and the first two write them), as the
-- platform's agents do through the application; a customer-facing API must not expose them.
--
-- Secrets: users.password_hash is unselectable by every role but the owner; login reads one user's
-- hash through devskyy.login_password_hash(id), SECURITY DEFINER with a fixed search_path.
--
-- Placing an order takes stock from the shared products, which customers may not update. The body
-- of devskyy.place_order becomes devskyy.place_order_as_owner (SECURITY DEFINER, fixed search_path);
-- devskyy.place_order, with its signature unchanged, is now a wrapper running as the caller that
-- refuses (insufficient_privilege) a caller under RLS placing an order for anyone but the acting
-- user (or a guest order while somebody acts). The restock on cancel and the deferred subtotal
-- check are trigger functions that now run as the owner: they fire only for a change the caller
-- was allowed to make, and must see the products and the order whatever the caller may see.
--
-- Policies compare with (select core.acting_user()) so it is evaluated once per statement.

-- The acting user is passed in (policies read core.acting_user() as the querying role): the owner
-- these functions run as has no business in core. SECURITY DEFINER keeps the users policies from
-- reading users under their own policies (which PostgreSQL refuses as infinite recursion).
create function devskyy.user_is_staff(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select exists (select from devskyy.users
                    where id = p_user_id and is_active and role in ('staff', 'admin'))
$$;

comment on function devskyy.user_is_staff(uuid) is
    'Whether the user is an active staff member or admin: who may manage the catalogue under RLS.';

create function devskyy.user_is_admin(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select exists (select from devskyy.users
                    where id = p_user_id and is_active and role = 'admin')
$$;

comment on function devskyy.user_is_admin(uuid) is
    'Whether the user is an active admin: who may manage other users and give roles under RLS.';

create function devskyy.guard_user_role()
returns trigger
language plpgsql
as $$
begin
    if row_security_active('devskyy.users')
       and (case when tg_op = 'INSERT' then new.role <> 'customer' else new.role is distinct from old.role end)
       and not devskyy.user_is_admin(core.acting_user()) then
        raise exception 'only an admin can make user % a %', new.username, new.role
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'users';
    end if;
    return new;
end;
$$;

comment on function devskyy.guard_user_role() is
    'BEFORE INSERT/UPDATE OF role on users: under RLS only an acting admin gives a role other than customer.';

create trigger tg_users_guard_role before insert or update of role on devskyy.users
    for each row execute function devskyy.guard_user_role();

alter table devskyy.users enable row level security;
alter table devskyy.users force row level security;
create policy rls_users_select on devskyy.users for select using (true);
create policy rls_users_insert on devskyy.users for insert with check (true);
create policy rls_users_update on devskyy.users for update
    using (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())))
    with check (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())));
create policy rls_users_delete on devskyy.users for delete
    using (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())));

alter table devskyy.products enable row level security;
alter table devskyy.products force row level security;
create policy rls_products_select on devskyy.products for select using (true);
create policy rls_products_insert on devskyy.products for insert
    with check ((select devskyy.user_is_staff(core.acting_user())));
create policy rls_products_update on devskyy.products for update
    using ((select devskyy.user_is_staff(core.acting_user())))
    with check ((select devskyy.user_is_staff(core.acting_user())));
create policy rls_products_delete on devskyy.products for delete
    using ((select devskyy.user_is_staff(core.acting_user())));

alter table devskyy.product_facets enable row level security;
alter table devskyy.product_facets force row level security;
create policy rls_product_facets_select on devskyy.product_facets for select using (true);

alter function devskyy.sync_product_facets() security definer;
alter function devskyy.sync_product_facets() set search_path = pg_catalog, pg_temp;

alter table devskyy.orders enable row level security;
alter table devskyy.orders force row level security;
create policy rls_orders_own on devskyy.orders for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table devskyy.order_items enable row level security;
alter table devskyy.order_items force row level security;
create policy rls_order_items_own_order on devskyy.order_items for all
    using (exists (select from devskyy.orders as o where o.id = order_id));

alter function devskyy.restock_cancelled_order() security definer;
alter function devskyy.restock_cancelled_order() set search_path = pg_catalog, pg_temp;
alter function devskyy.check_order_subtotal() security definer;
alter function devskyy.check_order_subtotal() set search_path = pg_catalog, pg_temp;

-- No client breaks: devskyy.place_order is created again below, same signature, same result.
-- squawk-ignore renaming-object
alter function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) rename to place_order_as_owner;
alter function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) security definer;
alter function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb)
    set search_path = pg_catalog, pg_temp;

comment on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) is
    'The body of devskyy.place_order, run as the owner (it takes stock from shared products); call devskyy.place_order.';

create function devskyy.place_order(
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
as $$
begin
    if row_security_active('devskyy.orders') and p_user_id is distinct from core.acting_user() then
        raise exception 'an order is placed for the acting user (%), not for %',
                        coalesce(core.acting_user()::text, 'nobody: a guest order'), coalesce(p_user_id::text, 'a guest')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'orders';
    end if;
    return query
    select * from devskyy.place_order_as_owner(p_user_id, p_product_ids, p_quantities, p_extra_charges, p_metadata);
end;
$$;

comment on function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) is
    'Takes the stock and writes an order with its items, atomically, for the acting user under RLS. SF040 out of stock, SF041 not for sale.';

insert into core.secret_columns (schema_name, table_name, column_name)
values ('devskyy', 'users', 'password_hash');

create function devskyy.login_password_hash(p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select password_hash from devskyy.users where id = p_user_id
$$;

comment on function devskyy.login_password_hash(uuid) is
    'The stored password hash of one user, for verification only (the app role cannot select the column).';

revoke execute on function devskyy.login_password_hash(uuid) from public;
revoke execute on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) from public;
select core.grant_domain_privileges('devskyy');
grant execute on function devskyy.login_password_hash(uuid) to sqlfirst_app, sqlfirst_worker;
grant execute on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb)
    to sqlfirst_app, sqlfirst_worker;
