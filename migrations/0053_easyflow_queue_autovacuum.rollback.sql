alter table easyflow.outbound_messages reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
alter table easyflow.integrations reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
