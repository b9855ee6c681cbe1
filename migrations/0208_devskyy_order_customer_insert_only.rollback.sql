drop trigger tg_order_items_customer on devskyy.order_items;
create trigger tg_order_items_customer before insert or update on devskyy.order_items
    for each row when (new.customer_id is null) execute function devskyy.fill_order_item_customer();
drop trigger tg_orders_customer on devskyy.orders;
create trigger tg_orders_customer before insert or update on devskyy.orders
    for each row when (new.customer_id is null) execute function devskyy.fill_order_customer();
