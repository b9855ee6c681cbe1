-- depends: 0204_devskyy_tenant_keys
-- transactional: false
--
-- devskyy: the index of an item's user (0195), built without blocking writes: deleting a user sets it
-- null on their items through fk_order_items_user_id, which finds them by it (without it, every
-- delete_user read every item). Guest items hold no user: the index leaves them out.
create index concurrently if not exists ix_order_items_user_id on devskyy.order_items (user_id) where user_id is not null;
