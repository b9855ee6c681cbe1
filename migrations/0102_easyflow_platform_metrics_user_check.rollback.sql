-- A validated check cannot be made NOT VALID again: it is added back as 0101 left it.
-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint ck_platform_metrics_user_id_not_null;
alter table easyflow.platform_metrics
    add constraint ck_platform_metrics_user_id_not_null check (user_id is not null) not valid;
