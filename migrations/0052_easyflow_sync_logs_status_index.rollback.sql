create index ix_sync_logs_status on easyflow.sync_logs (status);
