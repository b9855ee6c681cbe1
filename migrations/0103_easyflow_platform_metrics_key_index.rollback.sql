drop index concurrently if exists easyflow.ix_platform_metrics_id_user_id;
