revoke execute on function agent_hub.login_password_hash(text) from sqlfirst_app, sqlfirst_worker;
drop function agent_hub.login_password_hash(text);
delete from core.secret_columns where schema_name = 'agent_hub' and table_name = 'users';
grant select on agent_hub.users to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

drop policy rls_marketplace_versions_insert on agent_hub.marketplace_versions;
drop policy rls_marketplace_versions_select on agent_hub.marketplace_versions;
alter table agent_hub.marketplace_versions no force row level security;
alter table agent_hub.marketplace_versions disable row level security;

drop policy rls_marketplace_entries_delete on agent_hub.marketplace_entries;
drop policy rls_marketplace_entries_update on agent_hub.marketplace_entries;
drop policy rls_marketplace_entries_insert on agent_hub.marketplace_entries;
drop policy rls_marketplace_entries_select on agent_hub.marketplace_entries;
alter table agent_hub.marketplace_entries no force row level security;
alter table agent_hub.marketplace_entries disable row level security;

drop policy rls_session_messages_own_session on agent_hub.session_messages;
alter table agent_hub.session_messages no force row level security;
alter table agent_hub.session_messages disable row level security;

drop policy rls_events_own_session on agent_hub.events;
alter table agent_hub.events no force row level security;
alter table agent_hub.events disable row level security;

drop policy rls_sessions_own on agent_hub.sessions;
alter table agent_hub.sessions no force row level security;
alter table agent_hub.sessions disable row level security;

drop policy rls_agents_delete on agent_hub.agents;
drop policy rls_agents_update on agent_hub.agents;
drop policy rls_agents_insert on agent_hub.agents;
drop policy rls_agents_select on agent_hub.agents;
alter table agent_hub.agents no force row level security;
alter table agent_hub.agents disable row level security;

drop trigger tg_marketplace_entries_guard on agent_hub.marketplace_entries;
drop function agent_hub.guard_marketplace_entry();
