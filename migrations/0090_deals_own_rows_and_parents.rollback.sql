drop trigger tg_users_guard_own_row on deals.users;
alter policy rls_chat_messages_own on deals.chat_messages with check (user_id = (select core.acting_user()));
alter policy rls_notifications_own on deals.notifications with check (user_id = (select core.acting_user()));
alter policy rls_token_transactions_own on deals.token_transactions with check (user_id = (select core.acting_user()));
alter policy rls_token_balance_history_own on deals.token_balance_history
    with check (user_id = (select core.acting_user()));
