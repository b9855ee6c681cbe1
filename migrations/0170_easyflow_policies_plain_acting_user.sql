-- depends: 0109_easyflow_conversation_session_key
--
-- easyflow: every policy reads the acting user as core.acting_user() instead of
-- (select core.acting_user()) (issue 16, sql/easyflow/citus.toml). Citus refuses a policy holding a
-- subquery on any of its tables, and the scalar subquery was only the planner's run-once idiom: the
-- function is an inlined STABLE expression, so user_id = core.acting_user() is the same index
-- condition (evaluated once per scan), evaluated per row only where a plan filters without an index.
-- Each policy keeps its rows: the expression's value is the same. Catalog changes only.
alter policy rls_integrations_own on easyflow.integrations
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_conversations_own on easyflow.conversations
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_messages_own on easyflow.messages
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_message_platform_ids_own on easyflow.message_platform_ids
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_sync_logs_own on easyflow.sync_logs
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_platform_metrics_own on easyflow.platform_metrics
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_outbound_messages_own on easyflow.outbound_messages
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
alter policy rls_conversation_sessions_own on easyflow.conversation_sessions
    using (user_id = core.acting_user());
