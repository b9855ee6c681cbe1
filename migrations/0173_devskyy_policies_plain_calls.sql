-- depends: 0087_devskyy_owner_functions_not_public
--
-- devskyy: policies read the acting user and the admin test as plain calls instead of scalar
-- subqueries (issue 16, sql/devskyy/citus.toml), as 0170 did for easyflow. Citus refuses a policy
-- holding a subquery on any of its tables. core.acting_user() is an inlined STABLE expression, the
-- same index condition; devskyy.user_is_admin() is a STABLE SECURITY DEFINER function, now called for
-- a row only when the row is not the acting user's own (OR stops at the first true), where the
-- subquery ran it once per statement: these policies guard single-user updates and deletes.
-- An order item's check through its order stays a subquery (guest orders have no user), listed as a
-- deviation. Each policy admits the same rows as before. Catalog changes only.
alter policy rls_orders_own on devskyy.orders
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_users_update on devskyy.users
    using (id = core.acting_user() or devskyy.user_is_admin(core.acting_user()))
    with check (id = core.acting_user() or devskyy.user_is_admin(core.acting_user()));
alter policy rls_users_delete on devskyy.users
    using (id = core.acting_user() or devskyy.user_is_admin(core.acting_user()));
