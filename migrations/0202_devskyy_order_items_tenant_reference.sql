-- depends: 0201_devskyy_order_items_product_key_index
--
-- devskyy: an item's customer is its order's, as a foreign key NOT VALID (it holds for every write
-- from here on, and adding it scans nothing): (order_id, customer_id) -> orders (id, customer_id),
-- 0198's index. 0203 validates it without blocking writes; 0204 gives it the id-only key's name.
alter table devskyy.order_items
    add constraint fk_order_items_order_id_customer_id foreign key (order_id, customer_id)
        references devskyy.orders (id, customer_id) on delete cascade not valid;
