drop trigger tg_agent_tasks_client on ai_seo.agent_tasks;
create trigger tg_agent_tasks_client before insert or update on ai_seo.agent_tasks
    for each row when (new.client_id is null) execute function ai_seo.fill_task_client();
