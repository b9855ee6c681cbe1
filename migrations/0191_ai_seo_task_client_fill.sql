-- depends: 0190_ai_seo_task_client
--
-- ai_seo: the tasks written before 0190 get their client: their campaign's, or the nil uuid for the
-- agency's own work. One UPDATE each, committed on its own (0192 validates in a transaction of its
-- own, as deals' 0130 and 0132 do): they lock the rows they write until this commits (a lifecycle
-- update of one of them waits; a claim skips them), and read campaigns under ACCESS SHARE, so inserts
-- and reads go on. A finished task may take its client (protect_finished_task compares every other
-- column), the lifecycle trigger fires only for a status change, and the statement triggers of the
-- counts see no status move. Tasks written meanwhile carry their client already; 0192 fills once
-- more whatever was left, before it validates.
update ai_seo.agent_tasks as t
set client_id = c.client_id
from ai_seo.campaigns as c
where c.id = t.campaign_id
  and t.client_id is null;
update ai_seo.agent_tasks
set client_id = '00000000-0000-0000-0000-000000000000'::uuid
where campaign_id is null
  and client_id is null;
