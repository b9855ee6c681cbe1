-- depends: 0035_ai_seo_pending_count_index 0071_core_acting_user
--
-- Tenant isolation for ai_seo (issue 11), as 0072/0073 did for agent_hub and deals.
--
-- Who is a tenant here: AI SEO Architects is one agency's internal tool. Its users are the agency's
-- staff (admin, manager, operator); there are no client logins, and no column assigns a staff member
-- to a client. So:
-- * A staff member's refresh sessions are theirs alone: ai_seo.user_sessions gets row-level
--   security, enabled and FORCED, on the acting user of the transaction (core.acting_user()). An
--   active admin may also see, revoke and delete any staff member's sessions (deactivating a
--   colleague means logging them out everywhere) but never issues one for somebody else. No acting
--   user, no sessions: cleanup across users runs as sqlfirst_worker (BYPASSRLS).
-- * Agents, clients, campaigns, agent tasks, agent metrics, the task counters and the system events
--   are the agency's shared work, not a staff member's: every staff member sees every campaign's
--   tasks (example 3 sums a campaign's tasks whoever requested them), agents claim any requester's
--   tasks from the queue, agent_tasks.user_id and analytics.system_events.user_id attribute an
--   action (the seed: "Action attribution"), they do not own it, and user_task_counts is derived
--   from agent_tasks (hiding a colleague's counts while their tasks show would hide nothing).
--   Isolating clients from one another would need an assignment of staff to clients that the seed
--   does not have; inventing one is a product decision, not this migration's. These tables stay
--   without RLS, for the app role to read and write as before (the grants of 0070).
-- * users is the tenant registry: sign-up and login come before an acting user, and managers list
--   staff by role. It stays readable, without RLS.
--
-- Secrets: users.password_hash (Argon2id) and user_sessions.refresh_token_hash (sha256 of the
-- refresh token) become unselectable by every role but the owner (core.secret_columns; the grants
-- are redone around them). The operations that need one go through SECURITY DEFINER functions with
-- a fixed search_path, owned by sqlfirst_owner (BYPASSRLS, see 0070):
--   ai_seo.login_password_hash(username)       one user's hash, for password verification
--   ai_seo.use_refresh_token(user_id, hash)    validate a refresh token and record its use
--   ai_seo.rotate_refresh_token(...)           (0031) becomes SECURITY DEFINER: it finds the presented
--                                              token by its hash, before the holder is trusted
-- Each answers for the one token or user it is given; none lists anything.

create function ai_seo.acting_user_is_admin()
returns boolean
language sql
stable
as $$
    select exists (
        select from ai_seo.users as u
         where u.id = core.acting_user()
           and u.role = 'admin'
           and u.is_active
    )
$$;

comment on function ai_seo.acting_user_is_admin() is
    'Whether the acting user of the transaction is an active admin (staff sessions policy).';

alter table ai_seo.user_sessions enable row level security;
alter table ai_seo.user_sessions force row level security;
create policy rls_user_sessions_select on ai_seo.user_sessions for select
    using (user_id = (select core.acting_user()) or (select ai_seo.acting_user_is_admin()));
create policy rls_user_sessions_insert on ai_seo.user_sessions for insert
    with check (user_id = (select core.acting_user()));
create policy rls_user_sessions_update on ai_seo.user_sessions for update
    using (user_id = (select core.acting_user()) or (select ai_seo.acting_user_is_admin()))
    with check (user_id = (select core.acting_user()) or (select ai_seo.acting_user_is_admin()));
create policy rls_user_sessions_delete on ai_seo.user_sessions for delete
    using (user_id = (select core.acting_user()) or (select ai_seo.acting_user_is_admin()));

insert into core.secret_columns (schema_name, table_name, column_name)
values ('ai_seo', 'users', 'password_hash'),
       ('ai_seo', 'user_sessions', 'refresh_token_hash');

create function ai_seo.login_password_hash(p_username text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select password_hash from ai_seo.users where username = p_username
$$;

comment on function ai_seo.login_password_hash(text) is
    'The stored hash of one user, for password verification only (the app role cannot select the column).';

create function ai_seo.use_refresh_token(p_user_id uuid, p_token_hash text)
returns table (
    id uuid,
    user_id uuid,
    expires_at timestamptz,
    user_agent text,
    ip_address inet,
    created_at timestamptz,
    last_used_at timestamptz,
    is_active boolean
)
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    update ai_seo.user_sessions as s
       set last_used_at = statement_timestamp()
     where s.refresh_token_hash = p_token_hash
       and s.user_id = p_user_id
       and s.is_active
       and s.expires_at > statement_timestamp()
    returning s.id, s.user_id, s.expires_at, s.user_agent, s.ip_address, s.created_at, s.last_used_at,
              s.is_active
$$;

comment on function ai_seo.use_refresh_token(uuid, text) is
    'The user''s active, unexpired session of this token hash, its use recorded: refresh-token validation.';

alter function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet)
    security definer
    set search_path = pg_catalog, pg_temp;

revoke execute on function ai_seo.login_password_hash(text) from public;
revoke execute on function ai_seo.use_refresh_token(uuid, text) from public;
revoke execute on function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet) from public;
select core.grant_domain_privileges('ai_seo');
grant execute on function ai_seo.login_password_hash(text) to sqlfirst_app, sqlfirst_worker;
grant execute on function ai_seo.use_refresh_token(uuid, text) to sqlfirst_app, sqlfirst_worker;
grant execute on function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet)
    to sqlfirst_app, sqlfirst_worker;
