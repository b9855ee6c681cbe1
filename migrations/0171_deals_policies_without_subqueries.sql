-- depends: 0169_deals_fill_hash_indexes
--
-- deals: policies without subqueries (issue 16, sql/deals/citus.toml). Citus refuses a policy holding
-- a subquery on any of its tables.
-- - (select core.acting_user()) was only the planner's run-once idiom: core.acting_user() is an inlined
--   STABLE expression, the same index condition (0170 did this for easyflow).
-- - A parent checked through EXISTS (the parent's own policy showing only the acting user's rows) is
--   the row's own tenant column compared with the acting user: every such child is tied to its parent
--   by a foreign key holding the tenant on both sides ((goal_id, user_id) -> goals (id, user_id) since
--   0128-0152, (deal_id, user_id) -> deals since 0142-0148, (deal_id, deal_user_id) -> deals since
--   0163-0168, (task_id, user_id) -> tasks since 0134-0141, (transaction_id, user_id) ->
--   token_transactions since 0151), so the parent is the acting user's exactly when the row's column
--   is. The key is checked by the database under a lock, stronger than a policy's read.
-- Two checks stay subqueries, each needing a deal's shared flag on the row that points at it (listed
-- as deviations): deal scores of a shared deal, and a notification pointing at another user's shared
-- deal. price_tracking stays local (its policies reach the user only through the deal).
-- Each policy admits the same rows as before but for a hole this closes: goals are keyed (id, user_id)
-- since 0152, so a user could make a goal under another user's goal id and pass a parent check that
-- looked for a visible goal with that id (and read that user's private deals). Besides, a write naming
-- a parent the user may not see (or that does not exist) beside the user's own id now fails on the
-- key (ReferenceViolation naming it) where the policy refused it (PermissionDenied); hidden and
-- missing still fail alike. Catalog changes only.
alter policy rls_auth_token_hashes_own on deals.auth_token_hashes
    using (user_id = core.acting_user());
alter policy rls_transaction_hashes_own on deals.transaction_hashes
    using (user_id = core.acting_user());
alter policy rls_auth_tokens_own on deals.auth_tokens
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_goals_own on deals.goals
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_user_settings_own on deals.user_settings
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_chat_messages_own on deals.chat_messages
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_token_transactions_own on deals.token_transactions
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_token_balance_history_own on deals.token_balance_history
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_tasks_own_goal on deals.tasks
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_task_activities_own_task on deals.task_activities
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
-- A shared deal is one found on a market: source::text, because under RLS the planner may not read
-- the column's statistics through a comparison that is not leakproof (enum's is not) and falls back
-- to 1/n_distinct per value, which puts source <> 'manual' at zero where one source holds every
-- deal: a page of a search would then bitmap-scan and sort its whole range instead of reading its
-- index in order and stopping. The cast's default estimate keeps that plan (the EXISTS arm that
-- this replaces had done so by its own default estimate).
alter policy rls_deals_select on deals.deals
    using (source::text not in ('manual', 'user') or user_id = core.acting_user());
alter policy rls_deals_insert on deals.deals
    with check (user_id = core.acting_user());
alter policy rls_deals_update on deals.deals
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_deals_delete on deals.deals
    using (user_id = core.acting_user());
alter policy rls_deal_scores_insert on deals.deal_scores
    with check (user_id = core.acting_user());
alter policy rls_deal_scores_update on deals.deal_scores
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_deal_scores_delete on deals.deal_scores
    using (user_id = core.acting_user());
alter policy rls_deal_activities_select on deals.deal_activities
    using (user_id = core.acting_user() or deal_user_id = core.acting_user());
alter policy rls_deal_activities_insert on deals.deal_activities
    with check ((user_id is null or user_id = core.acting_user()) and deal_user_id = core.acting_user());
alter policy rls_deal_activities_update on deals.deal_activities
    using ((user_id is null or user_id = core.acting_user()) and deal_user_id = core.acting_user())
    with check ((user_id is null or user_id = core.acting_user()) and deal_user_id = core.acting_user());
alter policy rls_deal_activities_delete on deals.deal_activities
    using ((user_id is null or user_id = core.acting_user()) and deal_user_id = core.acting_user());
alter policy rls_notifications_own on deals.notifications
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user()
                and (deal_id is null or exists (select from deals.deals as d where d.id = deal_id)));
