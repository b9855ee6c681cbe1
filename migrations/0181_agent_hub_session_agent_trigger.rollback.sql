alter policy rls_sessions_own on agent_hub.sessions
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user()
                and exists (select from agent_hub.agents as a where a.id = agent_id));
drop trigger tg_sessions_agent_visible on agent_hub.sessions;
-- squawk-ignore ban-drop-function
drop function agent_hub.check_session_agent();
