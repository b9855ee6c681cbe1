drop function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet);

drop trigger tg_campaigns_lifecycle on ai_seo.campaigns;
drop function ai_seo.enforce_campaign_lifecycle();

drop trigger tg_agent_tasks_finished_immutable on ai_seo.agent_tasks;
drop function ai_seo.protect_finished_task();

drop trigger tg_agent_tasks_lifecycle on ai_seo.agent_tasks;
drop function ai_seo.enforce_task_lifecycle();
