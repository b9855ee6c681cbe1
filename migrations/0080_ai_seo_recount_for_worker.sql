-- depends: 0079_core_secure_partitions
--
-- ai_seo.recount_user_tasks() rebuilds every user's task counts under a SHARE lock on agent_tasks
-- (writers of tasks wait until the caller commits). It is maintenance after a load with triggers
-- off, not something a request does: the application and read-only roles may not run it (PUBLIC's
-- default EXECUTE and 0070's grant to the app role are taken back); the worker and the owner may.
revoke execute on function ai_seo.recount_user_tasks() from public, sqlfirst_app, sqlfirst_readonly;
grant execute on function ai_seo.recount_user_tasks() to sqlfirst_worker;

comment on function ai_seo.recount_user_tasks() is
    'Rebuilds ai_seo.user_task_counts from agent_tasks (after a load with triggers off); returns the rows written. Maintenance: sqlfirst_worker and the owner only (it holds task writers until its transaction ends).';
