delete from core.database_chosen_columns where schema_name = 'easyflow';
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0178.
revoke insert, update on easyflow.conversations, easyflow.outbound_messages, easyflow.platform_metrics,
    easyflow.sync_logs from sqlfirst_app;
grant insert, update on easyflow.conversations, easyflow.outbound_messages, easyflow.platform_metrics,
    easyflow.sync_logs to sqlfirst_app;
