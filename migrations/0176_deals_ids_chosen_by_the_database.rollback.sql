delete from core.database_chosen_columns where schema_name = 'deals';
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0176.
revoke insert, update on deals.goals, deals.tasks, deals.task_activities, deals.deal_scores,
    deals.deal_activities, deals.chat_messages, deals.notifications, deals.token_transactions,
    deals.token_balance_history, deals.auth_tokens, deals.user_settings from sqlfirst_app;
grant insert, update on deals.goals, deals.tasks, deals.task_activities, deals.deal_scores,
    deals.deal_activities, deals.chat_messages, deals.notifications, deals.token_transactions,
    deals.token_balance_history, deals.auth_tokens, deals.user_settings to sqlfirst_app;
