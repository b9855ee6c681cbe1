-- depends: 0052_easyflow_sync_logs_status_index
--
-- easyflow: autovacuum keeps up with the two queues (queue:sync_orders on integrations,
-- queue:send_messages on outbound_messages).
--
-- A claim takes rows out of its queue's partial index (ix_integrations_next_sync_at_connected,
-- ix_outbound_messages_run_after_waiting) by updating them, and the index entries of the versions
-- it replaced stay until VACUUM, at the head of the index, where every later claim starts reading:
-- each claim walks past all the claims made since the last vacuum (killed entries cost no heap
-- visit, but their leaf pages are read, ~400 entries a page). By default autovacuum waits for 20%
-- of a table to be dead: 20k integrations or 90k deliveries at the medium scale, 50 to 80 leaf
-- pages for every claim of ten. At 1% + 1000 rows it is a few pages, for frequent vacuums of two
-- tables whose other rows hardly change (their pages are all-visible and skipped).
--
-- No fillfactor: claiming, finishing and delivering change a column that an index or a partial
-- index's predicate reads (status, sync_claimed_at, next_sync_at), so none of these updates can be
-- HOT: the new version needs its index entries wherever it lands, and free space kept on every
-- page would mostly make the tables larger.
alter table easyflow.integrations set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);
alter table easyflow.outbound_messages set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);
