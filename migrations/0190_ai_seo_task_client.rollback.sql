-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint if exists fk_agent_tasks_campaign_id_client_id;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint if exists ck_agent_tasks_internal_client;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint if exists ck_agent_tasks_client_id_not_null;
drop trigger tg_agent_tasks_client on ai_seo.agent_tasks;
drop function ai_seo.fill_task_client();
-- squawk-ignore ban-drop-column
alter table ai_seo.agent_tasks drop column client_id;
