-- depends: 0202_devskyy_order_items_tenant_reference
--
-- devskyy: 0202's foreign key and 0197's (an item's user) validated (SHARE UPDATE EXCLUSIVE on the items, ROW SHARE on orders:
-- reads and writes go on while it scans).
alter table devskyy.order_items validate constraint fk_order_items_order_id_customer_id;
alter table devskyy.order_items validate constraint fk_order_items_user_id;
