-- depends: 0031_ai_seo_lifecycle
--
-- ai_seo: the time series are read by a key and a time range, never by time alone, so their
-- time-only indexes go; the event data's GIN index keeps no pending list.
--
-- Every query of agent_metrics names an agent (list_agent_metrics, campaign_recent_metrics per
-- agent) and every query of analytics.system_events an event type or a data document
-- (list_events_by_type, search_events); retention detaches whole partitions and partition
-- maintenance moves rows out of DEFAULT with a scan of its own. The (recorded_at) and
-- (occurred_at) indexes served none of them, yet the planner preferred them: walking a partition's
-- time index backwards and filtering on the key, it stopped at the limit early for a common key
-- but read the whole range for a rare one (at medium: 6,730 metrics read to return the 100 of the
-- rarest agent; 116,889 events read, 2,976 blocks, 271 ms to return the 6 events of one campaign in
-- search_events' generic plan, which cannot know the document is selective). Without them:
-- * list_agent_metrics and list_events_by_type read ix_agent_metrics_agent_id_recorded_at /
--   ix_system_events_event_type_occurred_at in order, exactly the rows of the key, and stop at the
--   limit (an incremental sort orders the rare equal instants by id);
-- * search_events reads the GIN posting list of the document (ix_system_events_event_data) in each
--   pruned partition, custom and generic plan alike, and sorts the few matches.
--
-- ix_system_events_event_data is rebuilt WITH (fastupdate = off): events are appended all the time,
-- and a GIN index with a pending list makes every search scan that list (up to gin_pending_list_limit,
-- 4 MB, until a vacuum) and makes the planner price the index by it, so the generic plan of
-- search_events went back to reading a whole time range of events as soon as the list grew.
-- Without it each insert adds its document's entries (one per value) to the index at once. A
-- partitioned index's storage parameters cannot be altered, so a new index is built first (a SHARE
-- lock on system_events for the build: reads go on, writes wait; ~14 s at medium scale), then the
-- old one is dropped and the new one and its partitions take the old names.
--
-- A partitioned index cannot be dropped concurrently: the DROP INDEXes, last, take the tables' and
-- partitions' ACCESS EXCLUSIVE lock for a catalog change (no data is read) until the commit.

create index ix_system_events_event_data_new on analytics.system_events
    using gin (event_data jsonb_path_ops) with (fastupdate = off);
-- squawk-ignore require-concurrent-index-deletion
drop index analytics.ix_system_events_event_data;
-- squawk-ignore require-concurrent-index-deletion
drop index analytics.ix_system_events_occurred_at;
-- squawk-ignore require-concurrent-index-deletion
drop index ai_seo.ix_agent_metrics_recorded_at;
-- The index takes back the name of the one it replaces: nothing that names it changes.
-- squawk-ignore renaming-object
alter index analytics.ix_system_events_event_data_new rename to ix_system_events_event_data;
-- The partitions' indexes were named <partition>_event_data_idx1 next to the old ones.
do $$
declare
    r record;
begin
    for r in
        select i.inhrelid::regclass as index_name, t.relname as partition_name
        from pg_inherits as i
        join pg_index as x on x.indexrelid = i.inhrelid
        join pg_class as t on t.oid = x.indrelid
        where i.inhparent = 'analytics.ix_system_events_event_data'::regclass
    loop
        execute format('alter index %s rename to %I', r.index_name, r.partition_name || '_event_data_idx');
    end loop;
end;
$$;
