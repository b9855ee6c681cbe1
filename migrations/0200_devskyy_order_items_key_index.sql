-- depends: 0199_devskyy_order_number_key_index
-- transactional: false
--
-- devskyy: the unique index of order items' tenant key (id, customer_id), built without blocking writes:
-- 0204 makes it the primary key.
create unique index concurrently if not exists uq_order_items_id_customer_id on devskyy.order_items (id, customer_id);
