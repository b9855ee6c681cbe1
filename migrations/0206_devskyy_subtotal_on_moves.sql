-- depends: 0205_devskyy_order_items_user_index
--
-- devskyy: the deferred subtotal check of an order also checks the order a line left. An UPDATE
-- that moved an item to another order (order_id) checked only the order it reached, so the one it
-- left kept a subtotal that was no longer the sum of its items, or no items at all. Both are
-- checked now, each refused as before (CheckViolation naming ck_orders_subtotal_matches_items).
-- The function keeps its owner, grants and comment (CREATE OR REPLACE).
create or replace function devskyy.check_order_subtotal() returns trigger
    language plpgsql security definer
    set search_path to 'pg_catalog', 'pg_temp'
    as $$
declare
    v_order_ids uuid[];
    v_order_id uuid;
    v_subtotal numeric;
    v_sum numeric;
    v_count bigint;
begin
    if tg_table_name = 'orders' then
        v_order_ids := array[new.id];
    elsif tg_op = 'DELETE' then
        v_order_ids := array[old.order_id];
    elsif tg_op = 'UPDATE' and old.order_id is distinct from new.order_id then
        -- A line moved between orders: both sums changed.
        v_order_ids := array[old.order_id, new.order_id];
    else
        v_order_ids := array[new.order_id];
    end if;
    foreach v_order_id in array v_order_ids loop
        select o.subtotal into v_subtotal from devskyy.orders as o where o.id = v_order_id;
        continue when not found;  -- the order itself is gone
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
    end loop;
    return null;
end;
$$;
