-- depends: 0101_easyflow_platform_totals
--
-- easyflow: validates 0101's ck_platform_metrics_user_id_not_null. VALIDATE CONSTRAINT scans the
-- table under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on; 0104 then sets the column
-- NOT NULL without a scan of its own (PostgreSQL 12+ proves it from this valid check).
alter table easyflow.platform_metrics validate constraint ck_platform_metrics_user_id_not_null;
