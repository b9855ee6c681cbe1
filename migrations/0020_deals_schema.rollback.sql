select core.unregister_partitioned_table('deals.price_tracking'::regclass);

drop schema deals cascade;
