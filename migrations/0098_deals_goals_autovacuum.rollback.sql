alter table deals.goals reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
