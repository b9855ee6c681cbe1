-- depends: 0195_devskyy_order_customer
--
-- devskyy: the orders and items written before 0195 get their customer (an order its user, or its
-- own id for a guest order; an item its order's). One UPDATE each, committed on its own (0197
-- validates in a transaction of its own, as deals' 0130 and 0132 do): they lock the rows they write
-- until this commits (a status change of one of those orders waits) and read orders under ACCESS
-- SHARE, so inserts and reads go on. None of the orders' or items' triggers fire (they are BEFORE or
-- AFTER UPDATE OF status and subtotal, and the items' deferred subtotal check does not read the
-- column). Orders first: the items read theirs. Rows written meanwhile carry their customer already;
-- 0197 fills once more whatever was left, before it validates.
update devskyy.orders
set customer_id = coalesce(user_id, id)
where customer_id is null;
update devskyy.order_items as i
set customer_id = o.customer_id
from devskyy.orders as o
where o.id = i.order_id
  and i.customer_id is null;
