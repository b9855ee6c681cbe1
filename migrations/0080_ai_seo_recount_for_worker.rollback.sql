revoke execute on function ai_seo.recount_user_tasks() from sqlfirst_worker;
grant execute on function ai_seo.recount_user_tasks() to public;
