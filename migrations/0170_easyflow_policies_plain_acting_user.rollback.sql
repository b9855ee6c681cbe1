alter policy rls_integrations_own on easyflow.integrations
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_conversations_own on easyflow.conversations
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_messages_own on easyflow.messages
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_message_platform_ids_own on easyflow.message_platform_ids
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_sync_logs_own on easyflow.sync_logs
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_platform_metrics_own on easyflow.platform_metrics
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_outbound_messages_own on easyflow.outbound_messages
    using (user_id = (select core.acting_user()))
    with check (user_id = (select core.acting_user()));
alter policy rls_conversation_sessions_own on easyflow.conversation_sessions
    using (user_id = (select core.acting_user()));
