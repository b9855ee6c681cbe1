alter policy rls_agents_select on agent_hub.agents
    using (is_public or owner_id = (select core.acting_user()));
alter policy rls_agents_insert on agent_hub.agents
    with check (owner_id = (select core.acting_user()));
alter policy rls_agents_update on agent_hub.agents
    using (owner_id = (select core.acting_user()))
    with check (owner_id = (select core.acting_user()));
alter policy rls_agents_delete on agent_hub.agents
    using (owner_id = (select core.acting_user()));
alter policy rls_sessions_own on agent_hub.sessions
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user())
                and exists (select from agent_hub.agents as a where a.id = agent_id));
alter policy rls_session_messages_own_session on agent_hub.session_messages
    using (user_id = (select core.acting_user()));
alter policy rls_events_own_session on agent_hub.events
    using (user_id = (select core.acting_user()));
