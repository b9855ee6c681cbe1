create index ix_agent_metrics_recorded_at on ai_seo.agent_metrics (recorded_at);
create index ix_system_events_occurred_at on analytics.system_events (occurred_at);

create index ix_system_events_event_data_old on analytics.system_events using gin (event_data jsonb_path_ops);
drop index analytics.ix_system_events_event_data;
alter index analytics.ix_system_events_event_data_old rename to ix_system_events_event_data;
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
