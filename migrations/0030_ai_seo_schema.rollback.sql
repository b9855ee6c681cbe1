select core.unregister_partitioned_table('analytics.system_events'::regclass);
select core.unregister_partitioned_table('ai_seo.agent_metrics'::regclass);

drop schema analytics cascade;
drop schema ai_seo cascade;
