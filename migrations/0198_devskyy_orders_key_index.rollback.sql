drop index concurrently if exists devskyy.uq_orders_id_customer_id;
