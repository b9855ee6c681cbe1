-- The id-only keys come back, 0198-0201's indexes are built again and the foreign keys are as 0203
-- left them (validated).
delete from core.database_chosen_columns
 where schema_name = 'devskyy' and table_name in ('users', 'orders', 'order_items');
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0204.
revoke insert, update on devskyy.users, devskyy.orders, devskyy.order_items from sqlfirst_app;
grant insert, update on devskyy.users, devskyy.orders, devskyy.order_items to sqlfirst_app;
alter policy rls_order_items_own_order on devskyy.order_items
    using (exists (select from devskyy.orders as o where o.id = order_id));
drop trigger tg_orders_updated_at on devskyy.orders;
create trigger tg_orders_updated_at
    before update on devskyy.orders
    for each row when (
        old.customer_id is not null
        or (old.id, old.order_number, old.user_id, old.status, old.total_price, old.subtotal, old.created_at,
            old.metadata)
           is distinct from
           (new.id, new.order_number, new.user_id, new.status, new.total_price, new.subtotal, new.created_at,
            new.metadata)
    )
    execute function core.set_updated_at();
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_order_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint uq_order_items_order_id_product_id;
alter table devskyy.order_items
    add constraint uq_order_items_order_id_product_id unique (order_id, product_id);
create unique index uq_order_items_order_id_product_id_customer_id
    on devskyy.order_items (order_id, product_id, customer_id);
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint pk_order_items;
alter table devskyy.order_items add constraint pk_order_items primary key (id);
create unique index uq_order_items_id_customer_id on devskyy.order_items (id, customer_id);
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint uq_orders_order_number;
alter table devskyy.orders add constraint uq_orders_order_number unique (order_number);
create unique index uq_orders_order_number_customer_id on devskyy.orders (order_number, customer_id);
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint pk_orders;
alter table devskyy.orders add constraint pk_orders primary key (id);
create unique index uq_orders_id_customer_id on devskyy.orders (id, customer_id);
alter table devskyy.order_items
    add constraint fk_order_items_order_id foreign key (order_id) references devskyy.orders (id) on delete cascade;
alter table devskyy.order_items
    add constraint fk_order_items_order_id_customer_id foreign key (order_id, customer_id)
        references devskyy.orders (id, customer_id) on delete cascade;
