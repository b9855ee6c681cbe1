-- depends: 0195_devskyy_order_customer
--
-- devskyy: the orders and items written before 0195 get their customer (an order its user, or its
-- own id for a guest order; an item its order's, and its order's user). One UPDATE each, committed on its own (0197
-- validates in a transaction of its own, as deals' 0130 and 0132 do): they lock the rows they write
-- until this commits (a status change of one of those orders waits) and read orders under ACCESS
-- SHARE, so inserts and reads go on. No trigger of orders or items does anything: the fill triggers
-- run only for a row without its customer, tg_orders_updated_at skips an update that only fills it
-- (0195: every order keeps its updated_at), the status and subtotal triggers only for their own
-- columns, and the items' deferred subtotal check only for order_id, quantity or unit_price. Orders first: the items read theirs. Rows written meanwhile carry their customer already;
-- 0197 fills once more whatever was left, before it validates.
update devskyy.orders
set customer_id = coalesce(user_id, id)
where customer_id is null;
update devskyy.order_items as i
set customer_id = o.customer_id,
    user_id = o.user_id
from devskyy.orders as o
where o.id = i.order_id
  and i.customer_id is null;
