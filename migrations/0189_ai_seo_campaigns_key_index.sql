-- depends: 0188_deals_deal_scores_policy_shared
-- transactional: false
--
-- ai_seo: the unique index of campaigns' tenant key (id, client_id), built without blocking writes:
-- the foreign key of agent_tasks names it from 0190 on, so a task holds the client of its campaign,
-- and 0194 makes it the primary key (issue 16, sql/ai_seo/citus.toml: Citus distributes campaigns by
-- client_id). id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_campaigns_id_client_id on ai_seo.campaigns (id, client_id);
