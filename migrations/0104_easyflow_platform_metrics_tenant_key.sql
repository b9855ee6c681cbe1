-- depends: 0103_easyflow_platform_metrics_key_index
--
-- easyflow: every metric bucket of platform_metrics has its user (0101 moved the platform-wide
-- ones to platform_totals), so user_id becomes NOT NULL, proven by 0102's valid check without a
-- scan; the check and ck_platform_metrics_integration_has_user (an integration needs its user),
-- which NOT NULL now implies, go. The primary key becomes (id, user_id) on 0103's index.
--
-- Every statement here changes the catalog only: the ACCESS EXCLUSIVE lock lasts an instant, and
-- the migrator's lock_timeout keeps it from queueing behind a long transaction.
-- Not a scan: the validated check above proves it (squawk cannot see that).
-- squawk-ignore adding-not-nullable-field
alter table easyflow.platform_metrics alter column user_id set not null;
-- Each constraint dropped here is implied by the NOT NULL above, or replaced in this same transaction.
-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint ck_platform_metrics_user_id_not_null;
-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint ck_platform_metrics_integration_has_user;
-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint pk_platform_metrics,
    add constraint pk_platform_metrics primary key using index ix_platform_metrics_id_user_id;
