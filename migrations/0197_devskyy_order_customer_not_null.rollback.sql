-- The columns may be null again and 0195's checks are NOT VALID again (a validated check cannot be
-- made NOT VALID: dropped and added as 0195 added it); 0195's rollback drops the columns.
alter table devskyy.order_items alter column customer_id drop not null;
alter table devskyy.order_items
    add constraint ck_order_items_customer_id_not_null check (customer_id is not null) not valid;
alter table devskyy.orders alter column customer_id drop not null;
alter table devskyy.orders
    add constraint ck_orders_customer_id_not_null check (customer_id is not null) not valid;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_user_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint ck_order_items_user_is_customer;
alter table devskyy.order_items
    add constraint ck_order_items_user_is_customer check (user_id is null or user_id = customer_id) not valid;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint ck_orders_customer_is_user;
alter table devskyy.orders
    add constraint ck_orders_customer_is_user check (user_id is null or customer_id = user_id) not valid;
