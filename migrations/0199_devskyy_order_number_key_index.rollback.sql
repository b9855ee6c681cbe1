drop index concurrently if exists devskyy.uq_orders_order_number_customer_id;
