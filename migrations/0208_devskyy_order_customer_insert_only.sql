-- depends: 0207_ai_seo_task_client_insert_only
--
-- devskyy: tg_orders_customer and tg_order_items_customer, which fill an order's and an order
-- line's customer for a writer that leaves it out, run before an insert only, as tg_orders_updated_at
-- does again since 0204. They also ran before every update so that a row written before the fill
-- (0196) could be updated while 0195's NOT VALID checks already applied; since 0197 the columns are
-- NOT NULL, so their WHEN (customer_id is null) could hold on an update only for one that sets the
-- customer null, which they then quietly set back, and every order and line change paid for
-- evaluating it. Such an update is now refused by NOT NULL. Catalog changes only.
drop trigger tg_orders_customer on devskyy.orders;
create trigger tg_orders_customer before insert on devskyy.orders
    for each row when (new.customer_id is null) execute function devskyy.fill_order_customer();
drop trigger tg_order_items_customer on devskyy.order_items;
create trigger tg_order_items_customer before insert on devskyy.order_items
    for each row when (new.customer_id is null) execute function devskyy.fill_order_item_customer();
