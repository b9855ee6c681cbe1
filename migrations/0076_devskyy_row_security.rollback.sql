revoke execute on function devskyy.login_password_hash(uuid) from sqlfirst_app, sqlfirst_worker;
drop function devskyy.login_password_hash(uuid);
delete from core.secret_columns where schema_name = 'devskyy' and table_name = 'users';
grant select on devskyy.users to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

drop function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb);
revoke execute on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb)
    from sqlfirst_app, sqlfirst_worker;
alter function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) reset search_path;
alter function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) security invoker;
alter function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb) rename to place_order;
grant execute on function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) to public;
comment on function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) is
    'Takes the stock and writes an order with its items, atomically. SF040 out of stock, SF041 not for sale.';

alter function devskyy.check_order_subtotal() reset search_path;
alter function devskyy.check_order_subtotal() security invoker;
alter function devskyy.restock_cancelled_order() reset search_path;
alter function devskyy.restock_cancelled_order() security invoker;

drop policy rls_order_items_own_order on devskyy.order_items;
alter table devskyy.order_items no force row level security;
alter table devskyy.order_items disable row level security;

drop policy rls_orders_own on devskyy.orders;
alter table devskyy.orders no force row level security;
alter table devskyy.orders disable row level security;

alter function devskyy.sync_product_facets() reset search_path;
alter function devskyy.sync_product_facets() security invoker;

drop policy rls_product_facets_select on devskyy.product_facets;
alter table devskyy.product_facets no force row level security;
alter table devskyy.product_facets disable row level security;

drop policy rls_products_delete on devskyy.products;
drop policy rls_products_update on devskyy.products;
drop policy rls_products_insert on devskyy.products;
drop policy rls_products_select on devskyy.products;
alter table devskyy.products no force row level security;
alter table devskyy.products disable row level security;

drop policy rls_users_delete on devskyy.users;
drop policy rls_users_update on devskyy.users;
drop policy rls_users_insert on devskyy.users;
drop policy rls_users_select on devskyy.users;
alter table devskyy.users no force row level security;
alter table devskyy.users disable row level security;

drop trigger tg_users_guard_role on devskyy.users;
drop function devskyy.guard_user_role();
drop function devskyy.user_is_admin(uuid);
drop function devskyy.user_is_staff(uuid);
