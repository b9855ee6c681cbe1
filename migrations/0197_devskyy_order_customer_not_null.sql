-- depends: 0196_devskyy_order_customer_fill
--
-- devskyy: 0196's fill once more (the few rows left, if any), then 0195's checks validated (SHARE
-- UPDATE EXCLUSIVE: reads and writes go on while they scan); SET NOT NULL then finds the validated
-- checks prove the columns and scans nothing, and the NOT NULL checks go.
update devskyy.orders
set customer_id = coalesce(user_id, id)
where customer_id is null;
update devskyy.order_items as i
set customer_id = o.customer_id,
    user_id = o.user_id
from devskyy.orders as o
where o.id = i.order_id
  and i.customer_id is null;
alter table devskyy.orders validate constraint ck_orders_customer_id_not_null;
alter table devskyy.orders validate constraint ck_orders_customer_is_user;
alter table devskyy.order_items validate constraint ck_order_items_customer_id_not_null;
alter table devskyy.order_items validate constraint ck_order_items_user_is_customer;
-- Last, after every scan: SET NOT NULL takes ACCESS EXCLUSIVE until commit, which must not be held
-- on orders while the items are read.
alter table devskyy.orders alter column customer_id set not null;
-- squawk-ignore ban-drop-constraint
alter table devskyy.orders drop constraint ck_orders_customer_id_not_null;
alter table devskyy.order_items alter column customer_id set not null;
-- squawk-ignore ban-drop-constraint
alter table devskyy.order_items drop constraint ck_order_items_customer_id_not_null;
-- The items' key to their user, NOT VALID (0203 validates it): added after the fills, whose writes
-- it would otherwise check under a key-share lock on each user.
alter table devskyy.order_items
    add constraint fk_order_items_user_id foreign key (user_id)
        references devskyy.users (id) on delete set null not valid;
