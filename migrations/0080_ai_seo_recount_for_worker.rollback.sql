revoke execute on function ai_seo.recount_user_tasks() from sqlfirst_worker;
grant execute on function ai_seo.recount_user_tasks() to public;
comment on function ai_seo.recount_user_tasks() is
    'Rebuilds ai_seo.user_task_counts from agent_tasks (after a load with triggers off); returns the rows written.';
