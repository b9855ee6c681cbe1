-- depends: 0194_ai_seo_tenant_keys
--
-- devskyy: an order and its items carry their customer (issue 16, sql/devskyy/citus.toml). The
-- tenant of devskyy is the customer, and Citus distributes orders and order_items by it, co-located;
-- user_id cannot be that column: seed 001 makes it null for a guest order, and deleting a user sets
-- it null on their orders (Citus refuses a null distribution value and an ON DELETE SET NULL of one).
--
-- * orders.customer_id: the user's id, or for a guest order the order's own id (each guest order a
--   customer of its own: no row in users stands for guests, so the user lists stay the seed's). It
--   does not change when the user is deleted: the orders stay on their shard, user_id goes null as
--   the seed says. ck_orders_customer_is_user holds it equal to user_id wherever user_id is set.
-- * order_items.customer_id: its order's, held from 0202 by the foreign key (order_id, customer_id)
--   -> orders (id, customer_id).
-- * order_items.user_id: its order's user, null when the order has none, set null with it when the
--   user is deleted (its own key to users, ON DELETE SET NULL: added by 0197 after the fills, whose
--   writes would otherwise take a key-share lock on each user and deadlock with a user's deletion;
--   0205 indexes it). Row-level security
--   reads it from 0204 on instead of looking the order up (Citus refuses that subquery), so an item
--   is a session's exactly when its order is: a deleted user's or a guest's items are nobody's.
--   ck_order_items_user_is_customer holds it to the customer where it is set.
-- * Nullable for now (0196 fills the existing rows, 0197 makes them NOT NULL): adding a nullable column
--   without a default rewrites nothing. The checks are NOT VALID here and validated by 0197.
-- * place_order writes them (its own order id drawn first, so a guest order names itself). A writer
--   that leaves them out gets them from tg_orders_customer / tg_order_items_customer, on one server;
--   under Citus such a writer passes them, since a row is routed to its shard before any trigger
--   runs. An item of an order that does not exist fails as the foreign key would, naming
--   fk_order_items_order_id; under row-level security the trigger sees only the acting user's
--   orders, so another user's order leaves the column null and the policy refuses the row
--   (PermissionDenied), as it refuses an unknown order's. The triggers also fill a row an UPDATE
--   meets before 0196 has: the NOT VALID checks below hold for every updated row, so a status change
--   of an old order while 0196 runs would fail them otherwise.
-- * tg_orders_updated_at skips an update of a row without its customer that changes nothing else
--   (0196 writes every order; its updated_at stays the order's own; the customer trigger fires first
--   and fills NEW, so the condition reads the other columns), and 0204 restores it as it was once
--   the column is NOT NULL.
--   The items' deferred subtotal check now runs for a change of the columns the subtotal depends on
--   (order_id, quantity, unit_price), not for every update: 0196 writes every item.
alter table devskyy.orders add column customer_id uuid;
alter table devskyy.order_items add column customer_id uuid;
alter table devskyy.order_items add column user_id uuid;

comment on column devskyy.orders.customer_id is
    'The customer the order belongs to: its user, or the order''s own id for a guest order; kept when the user is deleted. '
    'The distribution column under Citus (sql/devskyy/citus.toml).';
comment on column devskyy.order_items.customer_id is
    'The customer of the item''s order (the distribution column under Citus).';
comment on column devskyy.order_items.user_id is
    'The user of the item''s order (null for a guest''s, set null when the user is deleted): whom row-level security shows it to.';

create function devskyy.fill_order_customer()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
begin
    -- An update (of a row written before 0196) keeps the user the order had: a deleted user's
    -- orders keep them as their customer.
    if tg_op = 'UPDATE' then
        new.customer_id := coalesce(new.user_id, old.user_id, new.id);
    else
        new.customer_id := coalesce(new.user_id, new.id);
    end if;
    return new;
end;
$$;

comment on function devskyy.fill_order_customer() is
    'An order written without its customer gets its user, or its own id for a guest order (tg_orders_customer).';

create trigger tg_orders_customer
    before insert or update on devskyy.orders
    for each row when (new.customer_id is null)
    execute function devskyy.fill_order_customer();

create function devskyy.fill_order_item_customer()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
declare
    v_found boolean;
begin
    -- An order written before 0196 may not carry its customer yet: it is its user, or its own id.
    select coalesce(o.customer_id, o.user_id, o.id), o.user_id, true
      into new.customer_id, new.user_id, v_found
      from devskyy.orders as o
     where o.id = new.order_id;
    if v_found is null and not row_security_active('devskyy.orders') then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'fk_order_items_order_id',
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"',
                tg_table_name, 'fk_order_items_order_id'
            ),
            detail = format('Key (order_id)=(%s) is not present in table "orders".', new.order_id);
    end if;
    return new;
end;
$$;

comment on function devskyy.fill_order_item_customer() is
    'An order item written without its customer gets its order''s customer and user (tg_order_items_customer).';

create trigger tg_order_items_customer
    before insert or update on devskyy.order_items
    for each row when (new.customer_id is null)
    execute function devskyy.fill_order_item_customer();

alter table devskyy.orders
    add constraint ck_orders_customer_id_not_null check (customer_id is not null) not valid;
alter table devskyy.orders
    add constraint ck_orders_customer_is_user check (user_id is null or customer_id = user_id) not valid;
alter table devskyy.order_items
    add constraint ck_order_items_customer_id_not_null check (customer_id is not null) not valid;
alter table devskyy.order_items
    add constraint ck_order_items_user_is_customer check (user_id is null or user_id = customer_id) not valid;

drop trigger tg_orders_updated_at on devskyy.orders;
create trigger tg_orders_updated_at
    before update on devskyy.orders
    for each row when (
        old.customer_id is not null
        or (old.id, old.order_number, old.user_id, old.status, old.total_price, old.subtotal, old.created_at,
            old.metadata)
           is distinct from
           (new.id, new.order_number, new.user_id, new.status, new.total_price, new.subtotal, new.created_at,
            new.metadata)
    )
    execute function core.set_updated_at();

drop trigger tg_order_items_subtotal_matches_items on devskyy.order_items;
create constraint trigger tg_order_items_subtotal_matches_items
    after insert or delete or update of order_id, quantity, unit_price on devskyy.order_items
    deferrable initially deferred
    for each row execute function devskyy.check_order_subtotal();

create or replace function devskyy.place_order_as_owner(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) RETURNS TABLE(id uuid, order_number character varying, user_id uuid, status devskyy.order_status, total_price numeric, subtotal numeric, created_at timestamp with time zone, updated_at timestamp with time zone, metadata jsonb, items jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_order devskyy.orders;
    v_id uuid;
    v_wanted record;
    v_price numeric(10, 2);
    v_status devskyy.product_status;
    v_available integer;
    v_subtotal numeric := 0;
    v_ids uuid[] := '{}';
    v_quantities integer[] := '{}';
    v_prices numeric[] := '{}';
begin
    if coalesce(cardinality(p_product_ids), 0) = 0
        or cardinality(p_product_ids) <> coalesce(cardinality(p_quantities), 0) then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'an order needs at least one item and one quantity per product';
    end if;
    if coalesce(p_extra_charges, 0) < 0 then
        raise exception using
            errcode = 'check_violation',
            constraint = 'ck_orders_total_price_covers_subtotal',
            message = format('extra charges cannot be negative, got %s', p_extra_charges);
    end if;

    for v_wanted in
        select w.product_id, sum(w.quantity)::integer as quantity, bool_or(w.quantity is null or w.quantity <= 0) as bad
        from unnest(p_product_ids, p_quantities) as w (product_id, quantity)
        group by w.product_id
        order by w.product_id
    loop
        if v_wanted.bad or v_wanted.product_id is null then
            raise exception using
                errcode = 'check_violation',
                constraint = 'ck_order_items_quantity_positive',
                message = format('quantity of product %s must be positive', v_wanted.product_id);
        end if;
        update devskyy.products as p
        set inventory_quantity = p.inventory_quantity - v_wanted.quantity
        where p.id = v_wanted.product_id
          and p.status = 'published'
          and p.inventory_quantity >= v_wanted.quantity
        returning p.price into v_price;
        if not found then
            select p.status, p.inventory_quantity into v_status, v_available
            from devskyy.products as p
            where p.id = v_wanted.product_id;
            if not found or v_status <> 'published' then
                raise exception using
                    errcode = 'SF041',
                    message = format('product %s is not for sale (%s)', v_wanted.product_id, coalesce(v_status::text, 'unknown')),
                    detail = format('product_id=%s', v_wanted.product_id);
            end if;
            raise exception using
                errcode = 'SF040',
                message = format(
                    'out of stock: product %s has %s, the order wants %s',
                    v_wanted.product_id, v_available, v_wanted.quantity
                ),
                detail = format('product_id=%s available=%s wanted=%s', v_wanted.product_id, v_available, v_wanted.quantity);
        end if;
        v_ids := v_ids || v_wanted.product_id;
        v_quantities := v_quantities || v_wanted.quantity;
        v_prices := v_prices || v_price;
        v_subtotal := v_subtotal + v_price * v_wanted.quantity;
    end loop;

    -- The customer is the user, or for a guest the order's own id (drawn here, so the row names its
    -- customer as it is written: under Citus a row reaches its shard by it before any trigger runs).
    v_id := gen_random_uuid();
    insert into devskyy.orders (id, customer_id, user_id, total_price, subtotal, metadata)
    values (v_id, coalesce(p_user_id, v_id), p_user_id, v_subtotal + coalesce(p_extra_charges, 0), v_subtotal,
            coalesce(p_metadata, '{}'))
    returning * into v_order;

    insert into devskyy.order_items (customer_id, user_id, order_id, product_id, quantity, unit_price, created_at)
    select v_order.customer_id, v_order.user_id, v_order.id, w.product_id, w.quantity, w.unit_price,
           v_order.created_at
    from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price);

    return query
    select v_order.id, v_order.order_number, v_order.user_id, v_order.status, v_order.total_price,
           v_order.subtotal, v_order.created_at, v_order.updated_at, v_order.metadata,
           (select jsonb_agg(
                       jsonb_build_object(
                           'product_id', w.product_id, 'quantity', w.quantity, 'unit_price', w.unit_price::text
                       )
                       order by w.product_id
                   )
            from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price));
end;
$$;
