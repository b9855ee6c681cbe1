-- The check as 0041 and 0076 left it: the order a line reaches only.
create or replace function devskyy.check_order_subtotal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_order_id uuid;
    v_subtotal numeric;
    v_sum numeric;
    v_count bigint;
begin
    if tg_table_name = 'orders' then
        v_order_id := new.id;
    elsif tg_op = 'DELETE' then
        v_order_id := old.order_id;
    else
        v_order_id := new.order_id;
    end if;
    select o.subtotal into v_subtotal from devskyy.orders as o where o.id = v_order_id;
    if not found then
        return null;  -- the order itself is gone
    end if;
    select coalesce(sum(i.quantity * i.unit_price), 0), count(*) into v_sum, v_count
    from devskyy.order_items as i
    where i.order_id = v_order_id;
    if v_count = 0 or v_sum <> v_subtotal then
        raise exception using
            errcode = 'check_violation',
            constraint = 'ck_orders_subtotal_matches_items',
            schema = 'devskyy',
            table = 'orders',
            message = format(
                'order %s: subtotal %s is not the sum of its %s items (%s)', v_order_id, v_subtotal, v_count, v_sum
            );
    end if;
    return null;
end;
$$;
