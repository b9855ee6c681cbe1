-- depends: 0200_devskyy_order_items_key_index
-- transactional: false
--
-- devskyy: the unique index of (order_id, product_id, customer_id), built without blocking writes: 0204
-- makes it uq_order_items_order_id_product_id (one line per product in an order, as before: an
-- order's items all carry its customer). order_id leads, so an order's items are still one range.
create unique index concurrently if not exists uq_order_items_order_id_product_id_customer_id on devskyy.order_items (order_id, product_id, customer_id);
