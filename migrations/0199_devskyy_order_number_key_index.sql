-- depends: 0198_devskyy_orders_key_index
-- transactional: false
--
-- devskyy: the unique index of (order_number, customer_id), built without blocking writes: 0204 makes it
-- uq_orders_order_number (Citus needs the tenant in every unique key). order_number leads, so the
-- lookup by number still reads one entry.
create unique index concurrently if not exists uq_orders_order_number_customer_id on devskyy.orders (order_number, customer_id);
