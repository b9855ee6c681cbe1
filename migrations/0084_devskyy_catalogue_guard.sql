-- depends: 0083_core_bound_by_row_security 0076_devskyy_row_security
--
-- The shared catalogue leaves row-level security for a write guard (issue 11, medium bench as
-- sqlfirst_app). 0076 put devskyy.products and devskyy.product_facets under forced RLS with a select
-- policy of `true`, to keep their writes for staff. But on any table whose rows a policy filters for
-- the querying role, PostgreSQL ignores the column statistics for a comparison whose operator is not
-- LEAKPROOF (enum and numeric ones are not), even when that policy is `true`: the application
-- role's estimates fell back to defaults, and search_products_by_category read 80k blocks for 50
-- rows through ix_products_status_price instead of (status, category, price, id); the tag and
-- metadata searches lost their price-ordered facet scans the same way.
--
-- Everyone reads the catalogue, so RLS bought nothing for reads. The write rule moves to statement
-- triggers, which the planner never sees:
--   products        insert, update, delete: an acting staff member or admin (devskyy.user_is_staff),
--                   or a role that RLS does not bind (the worker, the owner: placing an order and
--                   the restock on cancel take and return stock as the owner). Anyone else gets
--                   insufficient_privilege (PermissionDenied), where RLS hid the rows (None) before.
--   product_facets  written only by its sync trigger and rebuild function, which run as the owner:
--                   any other writer under RLS rules gets insufficient_privilege.
-- Grants cannot carry these rules: core.grant_domain_privileges() grants every table of a schema
-- again whenever it runs (`sqlfirst db roles`).

create function devskyy.guard_catalogue_write()
returns trigger
language plpgsql
as $$
begin
    if core.bound_by_row_security() and not devskyy.user_is_staff(core.acting_user()) then
        raise exception 'only an acting staff member or admin changes the catalogue (%)',
                        coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'products';
    end if;
    return null;
end;
$$;

comment on function devskyy.guard_catalogue_write() is
    'BEFORE INSERT/UPDATE/DELETE on products, per statement: only staff (or a role RLS does not bind) writes the catalogue.';

create trigger tg_products_guard_write before insert or update or delete on devskyy.products
    for each statement execute function devskyy.guard_catalogue_write();

create function devskyy.refuse_facet_write()
returns trigger
language plpgsql
as $$
begin
    if core.bound_by_row_security() then
        raise exception 'product_facets is derived from products by its trigger: change the product instead'
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'product_facets';
    end if;
    return null;
end;
$$;

comment on function devskyy.refuse_facet_write() is
    'BEFORE INSERT/UPDATE/DELETE on product_facets, per statement: only its sync trigger (as the owner) writes it.';

create trigger tg_product_facets_refuse_write before insert or update or delete on devskyy.product_facets
    for each statement execute function devskyy.refuse_facet_write();

drop policy rls_products_select on devskyy.products;
drop policy rls_products_insert on devskyy.products;
drop policy rls_products_update on devskyy.products;
drop policy rls_products_delete on devskyy.products;
alter table devskyy.products no force row level security;
alter table devskyy.products disable row level security;

drop policy rls_product_facets_select on devskyy.product_facets;
alter table devskyy.product_facets no force row level security;
alter table devskyy.product_facets disable row level security;

select core.grant_domain_privileges('devskyy');
