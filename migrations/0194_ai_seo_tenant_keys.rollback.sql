-- The id-only keys come back, 0189's and 0193's indexes are built again and the foreign keys are as
-- 0192 left them (validated).
delete from core.database_chosen_columns
 where schema_name = 'ai_seo' and table_name in ('campaigns', 'agent_tasks');
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0194.
revoke insert, update on ai_seo.campaigns, ai_seo.agent_tasks from sqlfirst_app;
grant insert, update on ai_seo.campaigns, ai_seo.agent_tasks to sqlfirst_app;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint fk_agent_tasks_campaign_id;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint pk_agent_tasks;
alter table ai_seo.agent_tasks add constraint pk_agent_tasks primary key (id);
create unique index uq_agent_tasks_id_client_id on ai_seo.agent_tasks (id, client_id);
-- squawk-ignore ban-drop-constraint
alter table ai_seo.campaigns drop constraint pk_campaigns;
alter table ai_seo.campaigns add constraint pk_campaigns primary key (id);
create unique index uq_campaigns_id_client_id on ai_seo.campaigns (id, client_id);
alter table ai_seo.agent_tasks
    add constraint fk_agent_tasks_campaign_id foreign key (campaign_id)
        references ai_seo.campaigns (id) on delete restrict;
alter table ai_seo.agent_tasks
    add constraint fk_agent_tasks_campaign_id_client_id foreign key (campaign_id, client_id)
        references ai_seo.campaigns (id, client_id) on delete restrict;
