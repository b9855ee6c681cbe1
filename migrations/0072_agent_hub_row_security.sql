-- depends: 0016_agent_hub_session_messages 0071_core_acting_user
--
-- Tenant isolation for agent_hub, kept by the database (issue 11). Until now every boundary was a
-- WHERE that a query could forget: sessions.get returned any user's session, and a private agent
-- could be published (marketplace search never looked at is_public).
--
-- Row-level security, enabled and FORCED (so a table owner without BYPASSRLS obeys it too;
-- superusers, sqlfirst_owner and sqlfirst_worker see everything), on the acting user of the
-- transaction, core.acting_user():
--   agents               read: public ones and your own; write: your own
--   sessions             yours only; a new session must be on an agent you can see
--   events, session_messages   those of your sessions (the sessions policy applies inside)
--   marketplace_entries  read: entries of agents you can see; publish and withdraw: yours;
--                        update: yours, and anyone's public entry's download and rating counters
--   marketplace_versions read: of entries you can see; written by the publish trigger (yours)
-- users is the tenant registry, not a tenant's rows: it stays readable (sign-up and login happen
-- before there is an acting user) but password_hash is a secret column: no role but the owner
-- can select it; login reads it through agent_hub.login_password_hash(), a SECURITY DEFINER
-- function with a fixed search_path that answers for one username at a time.
--
-- Policies compare with (select core.acting_user()) so it is evaluated once per statement.

create function agent_hub.guard_marketplace_entry()
returns trigger
language plpgsql
as $$
begin
    -- Only public agents are published, whoever publishes (the bug this migration fixes).
    if tg_op = 'INSERT' or new.agent_id is distinct from old.agent_id then
        if not exists (select from agent_hub.agents where id = new.agent_id and is_public) then
            raise exception 'agent % is not public: only public agents can be published', new.agent_id
                using errcode = 'check_violation', constraint = 'ck_marketplace_entries_agent_public',
                      schema = 'agent_hub', table = 'marketplace_entries';
        end if;
    end if;
    -- Under RLS, anyone may count a download or a rating of a public entry; the rest is the owner's.
    if tg_op = 'UPDATE' and row_security_active('agent_hub.marketplace_entries')
       and (new.agent_id, new.category, new.tags, new.changelog, new.published_at, new.id)
           is distinct from (old.agent_id, old.category, old.tags, old.changelog, old.published_at, old.id)
       and not exists (select from agent_hub.agents
                        where id = old.agent_id and owner_id = (select core.acting_user())) then
        raise exception 'only the owner of agent % can change its marketplace entry', old.agent_id
            using errcode = 'insufficient_privilege', schema = 'agent_hub', table = 'marketplace_entries';
    end if;
    return new;
end;
$$;

comment on function agent_hub.guard_marketplace_entry() is
    'BEFORE INSERT/UPDATE of a marketplace entry: the agent is public; non-owners change counters only.';

create trigger tg_marketplace_entries_guard before insert or update on agent_hub.marketplace_entries
    for each row execute function agent_hub.guard_marketplace_entry();

alter table agent_hub.agents enable row level security;
alter table agent_hub.agents force row level security;
create policy rls_agents_select on agent_hub.agents for select
    using (is_public or owner_id = (select core.acting_user()));
create policy rls_agents_insert on agent_hub.agents for insert
    with check (owner_id = (select core.acting_user()));
create policy rls_agents_update on agent_hub.agents for update
    using (owner_id = (select core.acting_user()))
    with check (owner_id = (select core.acting_user()));
create policy rls_agents_delete on agent_hub.agents for delete
    using (owner_id = (select core.acting_user()));

alter table agent_hub.sessions enable row level security;
alter table agent_hub.sessions force row level security;
create policy rls_sessions_own on agent_hub.sessions for all
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and exists (select from agent_hub.agents as a where a.id = agent_id));

alter table agent_hub.events enable row level security;
alter table agent_hub.events force row level security;
create policy rls_events_own_session on agent_hub.events for all
    using (exists (select from agent_hub.sessions as s where s.id = session_id));

alter table agent_hub.session_messages enable row level security;
alter table agent_hub.session_messages force row level security;
create policy rls_session_messages_own_session on agent_hub.session_messages for all
    using (exists (select from agent_hub.sessions as s where s.id = session_id));

alter table agent_hub.marketplace_entries enable row level security;
alter table agent_hub.marketplace_entries force row level security;
create policy rls_marketplace_entries_select on agent_hub.marketplace_entries for select
    using (exists (select from agent_hub.agents as a where a.id = agent_id));
create policy rls_marketplace_entries_insert on agent_hub.marketplace_entries for insert
    with check (exists (select from agent_hub.agents as a
                         where a.id = agent_id and a.owner_id = (select core.acting_user())));
create policy rls_marketplace_entries_update on agent_hub.marketplace_entries for update
    using (exists (select from agent_hub.agents as a where a.id = agent_id));
create policy rls_marketplace_entries_delete on agent_hub.marketplace_entries for delete
    using (exists (select from agent_hub.agents as a
                    where a.id = agent_id and a.owner_id = (select core.acting_user())));

alter table agent_hub.marketplace_versions enable row level security;
alter table agent_hub.marketplace_versions force row level security;
create policy rls_marketplace_versions_select on agent_hub.marketplace_versions for select
    using (exists (select from agent_hub.marketplace_entries as e where e.id = entry_id));
create policy rls_marketplace_versions_insert on agent_hub.marketplace_versions for insert
    with check (exists (select from agent_hub.marketplace_entries as e
                          join agent_hub.agents as a on a.id = e.agent_id
                         where e.id = entry_id and a.owner_id = (select core.acting_user())));

insert into core.secret_columns (schema_name, table_name, column_name)
values ('agent_hub', 'users', 'password_hash');

create function agent_hub.login_password_hash(p_username text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select password_hash from agent_hub.users where username = p_username
$$;

comment on function agent_hub.login_password_hash(text) is
    'The stored hash of one user, for password verification only (the app role cannot select the column).';

revoke execute on function agent_hub.login_password_hash(text) from public;
select core.grant_domain_privileges('agent_hub');
grant execute on function agent_hub.login_password_hash(text) to sqlfirst_app, sqlfirst_worker;
