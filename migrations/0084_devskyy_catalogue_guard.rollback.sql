alter table devskyy.product_facets enable row level security;
alter table devskyy.product_facets force row level security;
create policy rls_product_facets_select on devskyy.product_facets for select using (true);

alter table devskyy.products enable row level security;
alter table devskyy.products force row level security;
create policy rls_products_select on devskyy.products for select using (true);
create policy rls_products_insert on devskyy.products for insert
    with check ((select devskyy.user_is_staff(core.acting_user())));
create policy rls_products_update on devskyy.products for update
    using ((select devskyy.user_is_staff(core.acting_user())))
    with check ((select devskyy.user_is_staff(core.acting_user())));
create policy rls_products_delete on devskyy.products for delete
    using ((select devskyy.user_is_staff(core.acting_user())));

drop trigger tg_product_facets_refuse_write on devskyy.product_facets;
drop function devskyy.refuse_facet_write();
drop trigger tg_products_guard_write on devskyy.products;
drop function devskyy.guard_catalogue_write();
