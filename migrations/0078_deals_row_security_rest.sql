-- depends: 0074_deals_market_api_key_secret 0064_deals_drop_market_status_index
--
-- Tenant isolation for the rest of deals (issue 11): the tables 0073 left out because they belong
-- to a user through a goal (or a deal, or a task) rather than a user_id column, and are shared in
-- part. RLS enabled and FORCED, on the acting user of the transaction, (select core.acting_user()),
-- reached through the goals policy of 0073: a policy's subquery on deals.goals sees only the acting
-- user's goals, so `exists (select from deals.goals as g where g.id = goal_id)` means "the goal is
-- yours", answered by pk_goals (and pk_deals, pk_tasks one level further down).
--
--   deals            read: deals found on a market (source amazon, walmart, ebay, target, bestbuy,
--                    api, scraper, agent) by everyone, acting user or not: a product, its price and
--                    its market page are public facts of a public retailer, and the catalogue queries
--                    (search, list_by_url to dedupe, list_by_market) are meant to span goals. A deal
--                    a user entered by hand (source 'manual' or 'user') is that user's note and is
--                    read only by the owner of its goal. The goal a shared deal hangs off stays
--                    private (goals has its own policy): a reader sees an opaque goal_id, not whose.
--                    write (insert, update, delete): only the owner of its goal.
--   price_tracking,  follow their deal: read where the deal is readable (a shared deal's price
--   deal_scores      history and scores are as public as its price); write only by the owner of the
--                    deal's goal.
--   tasks            an agent's work on a user's goal: the goal's owner only, read and write.
--   task_activities  follow their task: the task's goal's owner only.
--   deal_activities  read: your own activity (user_id is you) and every activity of a deal of your
--                    goals, including an agent's (user_id null). write: only on a deal of your goals,
--                    in your name or in nobody's (an agent working for you). Activity of other users
--                    or of agents on deals that are not yours is not yours to read, even when the
--                    deal is shared. Agents working across users (the sync and scoring jobs) run as
--                    sqlfirst_worker (BYPASSRLS), as do bulk jobs such as expire_stale.
--
-- Partitions: RLS of a partitioned table applies to queries through the parent only. The partitions
-- of price_tracking get RLS enabled and forced with no policy, so a query naming a partition
-- directly reads and writes nothing as the app or read-only role; reads go through the parent.
-- A partition core.run_partition_maintenance creates later gets the grants (default privileges)
-- but not this yet: core's maintenance should copy the parent's RLS flags to the partitions it makes.
--
-- users, markets, market_data, token_pricing, agents and model_metrics stay without RLS: the tenant
-- registry and platform reference data (0073).

alter table deals.deals enable row level security;
alter table deals.deals force row level security;
create policy rls_deals_select on deals.deals for select
    using (source not in ('manual', 'user')
           or exists (select from deals.goals as g where g.id = goal_id));
create policy rls_deals_insert on deals.deals for insert
    with check (exists (select from deals.goals as g where g.id = goal_id));
create policy rls_deals_update on deals.deals for update
    using (exists (select from deals.goals as g where g.id = goal_id))
    with check (exists (select from deals.goals as g where g.id = goal_id));
create policy rls_deals_delete on deals.deals for delete
    using (exists (select from deals.goals as g where g.id = goal_id));

alter table deals.price_tracking enable row level security;
alter table deals.price_tracking force row level security;
create policy rls_price_tracking_select on deals.price_tracking for select
    using (exists (select from deals.deals as d where d.id = deal_id));
-- Writes get a policy per command, not one FOR ALL: a FOR ALL policy would also be OR-ed into
-- every read, evaluating the narrower owner test next to the select policy's for nothing.
create policy rls_price_tracking_insert on deals.price_tracking for insert
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_price_tracking_update on deals.price_tracking for update
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)))
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_price_tracking_delete on deals.price_tracking for delete
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));

do $$
declare
    part regclass;
begin
    for part in select inhrelid::regclass from pg_inherits where inhparent = 'deals.price_tracking'::regclass loop
        execute format('alter table %s enable row level security', part);
        execute format('alter table %s force row level security', part);
    end loop;
end;
$$;

alter table deals.deal_scores enable row level security;
alter table deals.deal_scores force row level security;
create policy rls_deal_scores_select on deals.deal_scores for select
    using (exists (select from deals.deals as d where d.id = deal_id));
create policy rls_deal_scores_insert on deals.deal_scores for insert
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_deal_scores_update on deals.deal_scores for update
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)))
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_deal_scores_delete on deals.deal_scores for delete
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));

alter table deals.tasks enable row level security;
alter table deals.tasks force row level security;
create policy rls_tasks_own_goal on deals.tasks for all
    using (exists (select from deals.goals as g where g.id = goal_id))
    with check (exists (select from deals.goals as g where g.id = goal_id));

alter table deals.task_activities enable row level security;
alter table deals.task_activities force row level security;
create policy rls_task_activities_own_task on deals.task_activities for all
    using (exists (select from deals.tasks as t where t.id = task_id))
    with check (exists (select from deals.tasks as t where t.id = task_id));

alter table deals.deal_activities enable row level security;
alter table deals.deal_activities force row level security;
create policy rls_deal_activities_select on deals.deal_activities for select
    using (user_id = (select core.acting_user())
           or exists (select from deals.deals as d
                       where d.id = deal_id
                         and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_deal_activities_insert on deals.deal_activities for insert
    with check ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_deal_activities_update on deals.deal_activities for update
    using ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)))
    with check ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
create policy rls_deal_activities_delete on deals.deal_activities for delete
    using ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
