revoke execute on function deals.active_auth_token(text) from sqlfirst_app, sqlfirst_worker;
revoke execute on function deals.login_password_hash(uuid) from sqlfirst_app, sqlfirst_worker;
drop function deals.active_auth_token(text);
drop function deals.login_password_hash(uuid);
delete from core.secret_columns where schema_name = 'deals' and table_name in ('users', 'auth_tokens');
grant select on deals.users, deals.auth_tokens to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

drop policy rls_auth_tokens_own on deals.auth_tokens;
alter table deals.auth_tokens no force row level security;
alter table deals.auth_tokens disable row level security;

drop policy rls_user_settings_own on deals.user_settings;
alter table deals.user_settings no force row level security;
alter table deals.user_settings disable row level security;

drop policy rls_token_balance_history_own on deals.token_balance_history;
alter table deals.token_balance_history no force row level security;
alter table deals.token_balance_history disable row level security;

drop policy rls_token_transactions_own on deals.token_transactions;
alter table deals.token_transactions no force row level security;
alter table deals.token_transactions disable row level security;

drop policy rls_chat_messages_own on deals.chat_messages;
alter table deals.chat_messages no force row level security;
alter table deals.chat_messages disable row level security;

drop policy rls_notifications_own on deals.notifications;
alter table deals.notifications no force row level security;
alter table deals.notifications disable row level security;

drop policy rls_goals_own on deals.goals;
alter table deals.goals no force row level security;
alter table deals.goals disable row level security;
