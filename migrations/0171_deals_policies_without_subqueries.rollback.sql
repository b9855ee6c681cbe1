alter policy rls_auth_token_hashes_own on deals.auth_token_hashes
    using (user_id = (select core.acting_user()));
alter policy rls_transaction_hashes_own on deals.transaction_hashes
    using (user_id = (select core.acting_user()));
alter policy rls_auth_tokens_own on deals.auth_tokens
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_goals_own on deals.goals
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_user_settings_own on deals.user_settings
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_chat_messages_own on deals.chat_messages
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id)));
alter policy rls_token_transactions_own on deals.token_transactions
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id)));
alter policy rls_token_balance_history_own on deals.token_balance_history
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and (transaction_id is null
                     or exists (select from deals.token_transactions as t where t.id = transaction_id)));
alter policy rls_tasks_own_goal on deals.tasks
    using (user_id = (select core.acting_user()))
    with check (exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_task_activities_own_task on deals.task_activities
    using (user_id = (select core.acting_user()))
    with check (exists (select from deals.tasks as t where t.id = task_id));
alter policy rls_deals_select on deals.deals
    using (source not in ('manual', 'user')
           or exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_deals_insert on deals.deals
    with check (exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_deals_update on deals.deals
    using (user_id = (select core.acting_user()))
    with check (exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_deals_delete on deals.deals
    using (user_id = (select core.acting_user()));
alter policy rls_deal_scores_insert on deals.deal_scores
    with check (exists (select from deals.deals as d
                        where d.id = deal_id
                          and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_scores_update on deals.deal_scores
    using (user_id = (select core.acting_user()))
    with check (exists (select from deals.deals as d
                        where d.id = deal_id
                          and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_scores_delete on deals.deal_scores
    using (user_id = (select core.acting_user()));
alter policy rls_deal_activities_select on deals.deal_activities
    using (user_id = (select core.acting_user()) or deal_user_id = (select core.acting_user()));
alter policy rls_deal_activities_insert on deals.deal_activities
    with check ((user_id is null or user_id = (select core.acting_user()))
                and exists (select from deals.deals as d
                            where d.id = deal_id
                              and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_activities_update on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and deal_user_id = (select core.acting_user()))
    with check ((user_id is null or user_id = (select core.acting_user()))
                and exists (select from deals.deals as d
                            where d.id = deal_id
                              and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_activities_delete on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and deal_user_id = (select core.acting_user()));
alter policy rls_notifications_own on deals.notifications
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id))
                and (deal_id is null or exists (select from deals.deals as d where d.id = deal_id)));
