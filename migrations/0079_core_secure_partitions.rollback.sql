-- The partitions keep the RLS flags 0079 set on them (no policy: harmless, and safer than undoing).
drop function core.run_partition_maintenance(regclass);
alter function core.run_partition_maintenance_unsecured(regclass) rename to run_partition_maintenance;
drop function core.secure_partitions(regclass);
