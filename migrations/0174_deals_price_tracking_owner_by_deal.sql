-- depends: 0171_deals_policies_without_subqueries
--
-- deals: a price point is written only by its deal's user, read from the deal's own user_id (carried
-- since 0128-0133) instead of "a visible goal with the deal's goal_id". Goals are keyed (id, user_id)
-- since 0152 (for Citus), so a user could make a goal of their own under the id of another user's
-- goal (shown by that user's shared deals) and pass the old test on that user's shared deal: write,
-- change or delete its price history. price_tracking stays local (sql/deals/citus.toml), so its
-- policies may keep reading the deal. Reading is unchanged: a price point is as visible as its deal.
-- Catalog changes only.
alter policy rls_price_tracking_insert on deals.price_tracking
    with check (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
alter policy rls_price_tracking_update on deals.price_tracking
    using (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()))
    with check (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
alter policy rls_price_tracking_delete on deals.price_tracking
    using (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
