drop trigger tg_agent_tasks_count_truncate on ai_seo.agent_tasks;
drop trigger tg_agent_tasks_count_delete on ai_seo.agent_tasks;
drop trigger tg_agent_tasks_count_update on ai_seo.agent_tasks;
drop trigger tg_agent_tasks_count_insert on ai_seo.agent_tasks;
drop function ai_seo.recount_user_tasks();
drop function ai_seo.count_user_tasks();
drop table ai_seo.user_task_counts;
