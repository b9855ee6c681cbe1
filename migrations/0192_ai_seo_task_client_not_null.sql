-- depends: 0191_ai_seo_task_client_fill
--
-- ai_seo: 0191's fill once more (the few rows left, if any), then 0190's constraints validated (SHARE
-- UPDATE EXCLUSIVE: reads and writes go on while they scan); SET NOT NULL then finds the validated
-- check proves the column and scans nothing, and the check goes.
update ai_seo.agent_tasks as t
set client_id = c.client_id
from ai_seo.campaigns as c
where c.id = t.campaign_id
  and t.client_id is null;
update ai_seo.agent_tasks
set client_id = '00000000-0000-0000-0000-000000000000'::uuid
where campaign_id is null
  and client_id is null;
alter table ai_seo.agent_tasks validate constraint ck_agent_tasks_client_id_not_null;
alter table ai_seo.agent_tasks validate constraint ck_agent_tasks_internal_client;
alter table ai_seo.agent_tasks validate constraint fk_agent_tasks_campaign_id_client_id;
-- Last, after every scan: SET NOT NULL takes ACCESS EXCLUSIVE until commit.
alter table ai_seo.agent_tasks alter column client_id set not null;
-- squawk-ignore ban-drop-constraint
alter table ai_seo.agent_tasks drop constraint ck_agent_tasks_client_id_not_null;
