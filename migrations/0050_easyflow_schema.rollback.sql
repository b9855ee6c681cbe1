select core.unregister_partitioned_table('easyflow.messages'::regclass);

drop schema easyflow cascade;
