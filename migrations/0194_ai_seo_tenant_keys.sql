-- depends: 0193_ai_seo_tasks_key_index
--
-- ai_seo: campaigns and agent_tasks are keyed (id, client_id), as Citus requires of every key of a
-- table distributed by client_id (issue 16, sql/ai_seo/citus.toml). The unique indexes of 0189 and
-- 0193 become the primary keys (renamed pk_campaigns, pk_agent_tasks); the id-only ones go, as does
-- the id-only foreign key of a task to its campaign: 0190's, which holds the same rule with the
-- client on both sides, takes its name (an error still names fk_agent_tasks_campaign_id). Catalog
-- changes only: the locks last an instant.
--
-- An id stays unique by being a uuid the server draws: campaigns.id and agent_tasks.id join
-- core.database_chosen_columns (0175), so the application role can no longer write one, and no
-- client's row can take another's id. get_campaign_by_id, get_task_by_id and the other lookups by id
-- read the new keys' indexes, which lead with id.
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint fk_agent_tasks_campaign_id;
-- squawk-ignore renaming-object
alter table ai_seo.agent_tasks rename constraint fk_agent_tasks_campaign_id_client_id to fk_agent_tasks_campaign_id;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.campaigns drop constraint pk_campaigns;
alter table ai_seo.campaigns add constraint pk_campaigns primary key using index uq_campaigns_id_client_id;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint pk_agent_tasks;
alter table ai_seo.agent_tasks add constraint pk_agent_tasks primary key using index uq_agent_tasks_id_client_id;
insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('ai_seo', 'campaigns', 'id'),
       ('ai_seo', 'agent_tasks', 'id');
select core.grant_domain_privileges('ai_seo');
