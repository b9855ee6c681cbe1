-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint pk_platform_metrics;
alter table easyflow.platform_metrics add constraint pk_platform_metrics primary key (id);
alter table easyflow.platform_metrics
    add constraint ck_platform_metrics_integration_has_user check (integration_id is null or user_id is not null);
alter table easyflow.platform_metrics
    add constraint ck_platform_metrics_user_id_not_null check (user_id is not null);
alter table easyflow.platform_metrics alter column user_id drop not null;
-- Dropping the constraint dropped the index 0103 built: it comes back, so 0103 is undone by its own rollback.
create unique index ix_platform_metrics_id_user_id on easyflow.platform_metrics (id, user_id);
