select core.unregister_partitioned_table('devskyy.tool_executions'::regclass);
select core.unregister_partitioned_table('devskyy.agent_executions'::regclass);
drop schema devskyy cascade;
-- The extension is core's: drop it only when nothing else uses it any more.
do $$
begin
    drop extension if exists vector;
exception
    when dependent_objects_still_exist then
        null;
end;
$$;
