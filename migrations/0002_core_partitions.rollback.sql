-- Undoes 0002_core_partitions. Partitioned tables keep their partitions; only the maintenance goes.

drop function core.partition_status();

drop function core.unregister_partitioned_table(regclass);

drop function core.register_partitioned_table(regclass, text, integer, interval, text);

drop function core.partition_bound_literal(timestamp, regtype);

drop function core.run_partition_maintenance(regclass);

drop function core.partition_bounds(regclass, regtype);

drop table core.partitioned_tables;
