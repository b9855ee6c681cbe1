-- depends: 0102_easyflow_platform_metrics_user_check
-- transactional: false
--
-- easyflow: the index of platform_metrics' tenant primary key (id, user_id), built without
-- blocking writes; 0104 makes it the primary key. Citus enforces a primary key of a distributed
-- table only when it holds the distribution column, as 0094 did for the other easyflow tables.
create unique index concurrently if not exists ix_platform_metrics_id_user_id
    on easyflow.platform_metrics (id, user_id);
