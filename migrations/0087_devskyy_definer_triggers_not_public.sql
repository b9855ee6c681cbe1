-- depends: 0084_devskyy_catalogue_guard
--
-- devskyy's three SECURITY DEFINER trigger functions (0076) kept PostgreSQL's default EXECUTE for
-- PUBLIC. A trigger function's privilege is checked when a trigger is created, not when it fires,
-- so with it the application role could attach one to a temporary table of its own and fire it at
-- will, as the owner: restock_cancelled_order restocked an order's items again on every insert,
-- and sync_product_facets wrote any product's facets, past 0084's catalogue guard (the owner is not
-- bound by RLS). Nobody needs to execute them but their own triggers, which keep firing.
revoke execute on function devskyy.restock_cancelled_order() from public;
revoke execute on function devskyy.sync_product_facets() from public;
revoke execute on function devskyy.check_order_subtotal() from public;
