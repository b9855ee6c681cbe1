-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0202 added it.
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_order_id_customer_id;
alter table devskyy.order_items
    add constraint fk_order_items_order_id_customer_id foreign key (order_id, customer_id)
        references devskyy.orders (id, customer_id) on delete cascade not valid;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_user_id;
alter table devskyy.order_items
    add constraint fk_order_items_user_id foreign key (user_id)
        references devskyy.users (id) on delete set null not valid;
