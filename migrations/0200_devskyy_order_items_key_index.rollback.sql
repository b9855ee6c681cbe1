drop index concurrently if exists devskyy.uq_order_items_id_customer_id;
