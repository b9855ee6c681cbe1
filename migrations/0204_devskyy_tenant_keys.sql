-- depends: 0203_devskyy_order_items_tenant_reference_validate
--
-- devskyy: orders and order_items are keyed with their customer, as Citus requires of every key of a
-- table distributed by customer_id (issue 16, sql/devskyy/citus.toml). Catalog changes only: the
-- locks last an instant.
--
-- * The id-only foreign key of an item to its order goes; 0202's, which holds the same rule with the
--   customer on both sides, takes its name (an error still names fk_order_items_order_id).
-- * The unique indexes of 0198-0201 become pk_orders (id, customer_id), uq_orders_order_number
--   (order_number, customer_id), pk_order_items (id, customer_id) and
--   uq_order_items_order_id_product_id (order_id, product_id, customer_id), under the old names.
-- * An id and an order number stay unique by being the server's to draw (a uuid, the order-number
--   sequence): orders.id, orders.order_number and order_items.id join core.database_chosen_columns
--   (0175), so the application role can no longer write one, and no customer's row can take
--   another's. So does users.id: a user the application made under a guest order's id (its
--   customer) or a deleted user's could otherwise write lines into that order. get_order_by_id, get_order_by_number and the other lookups read the new keys'
--   indexes, which lead with id or the number.
-- * Row-level security reads an item's own user (0195) where it looked up its order, whose subquery
--   Citus refuses: an item is the acting user's exactly when its order is (place_order and the fill
--   write the order's user, and a deleted user's are set null on both); a guest's items, like the
--   guest's orders, are nobody's. The writers hold the item's user to its order's: a raw write by
--   the owner or the worker that names the customer and not the user hides the item from its user.
-- * tg_orders_updated_at is as before 0195 again: with customer_id NOT NULL no update fills it.
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint fk_order_items_order_id;
-- squawk-ignore renaming-object
alter table devskyy.order_items rename constraint fk_order_items_order_id_customer_id to fk_order_items_order_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint pk_orders;
alter table devskyy.orders add constraint pk_orders primary key using index uq_orders_id_customer_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint uq_orders_order_number;
alter table devskyy.orders
    add constraint uq_orders_order_number unique using index uq_orders_order_number_customer_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint pk_order_items;
alter table devskyy.order_items add constraint pk_order_items primary key using index uq_order_items_id_customer_id;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint uq_order_items_order_id_product_id;
alter table devskyy.order_items
    add constraint uq_order_items_order_id_product_id
        unique using index uq_order_items_order_id_product_id_customer_id;
alter policy rls_order_items_own_order on devskyy.order_items
    using (user_id = core.acting_user());
drop trigger tg_orders_updated_at on devskyy.orders;
create trigger tg_orders_updated_at before update on devskyy.orders
    for each row execute function core.set_updated_at();
insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('devskyy', 'users', 'id'),
       ('devskyy', 'orders', 'id'),
       ('devskyy', 'orders', 'order_number'),
       ('devskyy', 'order_items', 'id');
select core.grant_domain_privileges('devskyy');
