-- depends: 0206_devskyy_subtotal_on_moves
--
-- ai_seo: tg_agent_tasks_client, which fills a task's client for a writer that leaves it out, runs
-- before an insert only. It also ran before every update so that a task written before the fill
-- (0191) could be updated while 0190's NOT VALID check already applied; since 0192 the column is
-- NOT NULL, so its WHEN (client_id is null) could hold on an update only for one that sets the
-- client null, which it then quietly set back, and every claim and completion of a task paid for
-- evaluating it. Such an update is now refused by NOT NULL. Catalog changes only.
drop trigger tg_agent_tasks_client on ai_seo.agent_tasks;
create trigger tg_agent_tasks_client before insert on ai_seo.agent_tasks
    for each row when (new.client_id is null) execute function ai_seo.fill_task_client();
