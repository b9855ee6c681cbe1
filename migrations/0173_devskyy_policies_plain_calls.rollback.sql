alter policy rls_orders_own on devskyy.orders
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_users_update on devskyy.users
    using (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())))
    with check (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())));
alter policy rls_users_delete on devskyy.users
    using (id = (select core.acting_user()) or (select devskyy.user_is_admin(core.acting_user())));
