-- depends: 0197_devskyy_order_customer_not_null
-- transactional: false
--
-- devskyy: the unique index of orders' tenant key (id, customer_id), built without blocking writes: the
-- items' foreign key names it from 0202 on and 0204 makes it the primary key (issue 16,
-- sql/devskyy/citus.toml). id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_orders_id_customer_id on devskyy.orders (id, customer_id);
