-- depends: 0127_agent_hub_sessions_children_validate
--
-- agent_hub: every policy reads the acting user as core.acting_user() instead of
-- (select core.acting_user()) (issue 16, sql/agent_hub/citus.toml), as 0170 did for easyflow. Citus
-- refuses a policy holding a subquery on any of its tables, and the scalar subquery was only the
-- planner's run-once idiom: the function is an inlined STABLE expression, the same index condition.
-- A session's check that its agent is one the user may see (public or their own) stays a subquery,
-- listed as a deviation. The marketplace tables stay local, so their policies keep theirs.
-- Each policy admits the same rows as before. Catalog changes only.
alter policy rls_agents_select on agent_hub.agents
    using (is_public or owner_id = core.acting_user());
alter policy rls_agents_insert on agent_hub.agents
    with check (owner_id = core.acting_user());
alter policy rls_agents_update on agent_hub.agents
    using (owner_id = core.acting_user())
    with check (owner_id = core.acting_user());
alter policy rls_agents_delete on agent_hub.agents
    using (owner_id = core.acting_user());
alter policy rls_sessions_own on agent_hub.sessions
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user()
                and exists (select from agent_hub.agents as a where a.id = agent_id));
alter policy rls_session_messages_own_session on agent_hub.session_messages
    using (user_id = core.acting_user());
alter policy rls_events_own_session on agent_hub.events
    using (user_id = core.acting_user());
