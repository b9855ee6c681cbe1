-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_order_id_customer_id;
