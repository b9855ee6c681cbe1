-- place_order as before 0195 (it named no customer), then the columns and what keeps them go.
create or replace function devskyy.place_order_as_owner(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) RETURNS TABLE(id uuid, order_number character varying, user_id uuid, status devskyy.order_status, total_price numeric, subtotal numeric, created_at timestamp with time zone, updated_at timestamp with time zone, metadata jsonb, items jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_order devskyy.orders;
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

    insert into devskyy.orders (user_id, total_price, subtotal, metadata)
    values (p_user_id, v_subtotal + coalesce(p_extra_charges, 0), v_subtotal, coalesce(p_metadata, '{}'))
    returning * into v_order;

    insert into devskyy.order_items (order_id, product_id, quantity, unit_price, created_at)
    select v_order.id, w.product_id, w.quantity, w.unit_price, v_order.created_at
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

drop trigger tg_order_items_subtotal_matches_items on devskyy.order_items;
create constraint trigger tg_order_items_subtotal_matches_items
    after insert or delete or update on devskyy.order_items
    deferrable initially deferred
    for each row execute function devskyy.check_order_subtotal();
drop trigger tg_orders_updated_at on devskyy.orders;
create trigger tg_orders_updated_at before update on devskyy.orders
    for each row execute function core.set_updated_at();
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint if exists fk_order_items_user_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint if exists ck_order_items_user_is_customer;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint if exists ck_order_items_customer_id_not_null;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint if exists ck_orders_customer_is_user;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint if exists ck_orders_customer_id_not_null;
drop trigger tg_order_items_customer on devskyy.order_items;
drop function devskyy.fill_order_item_customer();
drop trigger tg_orders_customer on devskyy.orders;
drop function devskyy.fill_order_customer();
-- squawk-ignore ban-drop-column
alter table devskyy.order_items drop column user_id;
-- squawk-ignore ban-drop-column
alter table devskyy.order_items drop column customer_id;
-- squawk-ignore ban-drop-column
alter table devskyy.orders drop column customer_id;
