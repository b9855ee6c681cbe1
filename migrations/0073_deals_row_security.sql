-- depends: 0062_deals_activity_order_indexes 0071_core_acting_user
--
-- Tenant isolation for deals (issue 11), as 0072 did for agent_hub: the rows a user owns through
-- a user_id column (goals, notifications, chat messages, token transactions and balance history,
-- settings, auth tokens) get row-level security, enabled and FORCED, on the acting user of the
-- transaction. No acting user, no rows: background jobs that span users (expiring goals, claiming
-- due ones, purging expired tokens) run as sqlfirst_worker (BYPASSRLS).
--
-- Not covered yet: deals, deal scores, price tracking, tasks and activities hang off goals or
-- agents and are shared in part (deals found on public markets): their policies need the product's
-- word on what is shared, and stay for a later migration. users is the tenant registry (sign-up
-- and login come before an acting user) and markets, market data and token pricing are platform
-- reference data: no RLS.
--
-- Secrets: users.password and auth_tokens.token (a sha256 hash) become unselectable by every role
-- but the owner (core.secret_columns). Login reads one user's hash through
-- deals.login_password_hash(id); authenticating a raw token goes through
-- deals.active_auth_token(hash), which finds the token before any user is acting: both SECURITY
-- DEFINER with a fixed search_path, owned by sqlfirst_owner (BYPASSRLS, see 0070).

alter table deals.goals enable row level security;
alter table deals.goals force row level security;
create policy rls_goals_own on deals.goals for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.notifications enable row level security;
alter table deals.notifications force row level security;
create policy rls_notifications_own on deals.notifications for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.chat_messages enable row level security;
alter table deals.chat_messages force row level security;
create policy rls_chat_messages_own on deals.chat_messages for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.token_transactions enable row level security;
alter table deals.token_transactions force row level security;
create policy rls_token_transactions_own on deals.token_transactions for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.token_balance_history enable row level security;
alter table deals.token_balance_history force row level security;
create policy rls_token_balance_history_own on deals.token_balance_history for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.user_settings enable row level security;
alter table deals.user_settings force row level security;
create policy rls_user_settings_own on deals.user_settings for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

alter table deals.auth_tokens enable row level security;
alter table deals.auth_tokens force row level security;
create policy rls_auth_tokens_own on deals.auth_tokens for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));

insert into core.secret_columns (schema_name, table_name, column_name)
values ('deals', 'users', 'password'),
       ('deals', 'auth_tokens', 'token');

create function deals.login_password_hash(p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select password from deals.users where id = p_user_id
$$;

comment on function deals.login_password_hash(uuid) is
    'The stored password hash of one user, for verification only (the app role cannot select the column).';

create function deals.active_auth_token(p_token_hash text)
returns setof deals.auth_tokens
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select *
      from deals.auth_tokens
     where token = p_token_hash
       and status = 'active'
       and expires_at > statement_timestamp()
$$;

comment on function deals.active_auth_token(text) is
    'The active, unexpired token with this hash, whoever owns it: authentication, before a user acts.';

revoke execute on function deals.login_password_hash(uuid) from public;
revoke execute on function deals.active_auth_token(text) from public;
select core.grant_domain_privileges('deals');
grant execute on function deals.login_password_hash(uuid) to sqlfirst_app, sqlfirst_worker;
grant execute on function deals.active_auth_token(text) to sqlfirst_app, sqlfirst_worker;
