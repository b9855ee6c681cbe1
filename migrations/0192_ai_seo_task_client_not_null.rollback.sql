-- The column may be null again and 0190's constraints are NOT VALID again (a validated constraint
-- cannot be made NOT VALID: dropped and added as 0190 added them); 0190's rollback drops the column
-- and what this filled.
alter table ai_seo.agent_tasks alter column client_id drop not null;
alter table ai_seo.agent_tasks
    add constraint ck_agent_tasks_client_id_not_null check (client_id is not null) not valid;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint ck_agent_tasks_internal_client;
alter table ai_seo.agent_tasks
    add constraint ck_agent_tasks_internal_client
        check (campaign_id is not null or client_id = '00000000-0000-0000-0000-000000000000'::uuid) not valid;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint fk_agent_tasks_campaign_id_client_id;
alter table ai_seo.agent_tasks
    add constraint fk_agent_tasks_campaign_id_client_id foreign key (campaign_id, client_id)
        references ai_seo.campaigns (id, client_id) on delete restrict not valid;
