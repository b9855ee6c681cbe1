-- depends: 0081_agent_hub_marketplace_listed
--
-- Marketplace entries are visible to the application role when their agent is (0072): public, or
-- the acting user's own. The policy checked it by probing the entry's agent, once per candidate
-- entry and before the search's own conditions (tags @> is not LEAKPROOF, so PostgreSQL evaluates
-- the policy first): as sqlfirst_app, a tag search probed all 4,875 agents of the medium bench for
-- 50 rows (14,700 blocks; 100 for the superuser), and a category search one agent per entry of the
-- category.
--
-- Since 0081 the entry carries its agent's is_public (listed, set by the guard trigger from the
-- agent, whatever a statement writes), so the same rule reads "listed, or an entry of one of my own
-- agents". A listed entry passes on its own column; the acting user's agents are looked up once per
-- statement (a hashed subplan on ix_agents_owner_id_is_public), not once per entry. Who sees and
-- who may count a download or a rating is unchanged.
drop policy rls_marketplace_entries_select on agent_hub.marketplace_entries;
create policy rls_marketplace_entries_select on agent_hub.marketplace_entries for select
    using (listed or exists (select from agent_hub.agents as a
                              where a.id = agent_id and a.owner_id = (select core.acting_user())));

drop policy rls_marketplace_entries_update on agent_hub.marketplace_entries;
create policy rls_marketplace_entries_update on agent_hub.marketplace_entries for update
    using (listed or exists (select from agent_hub.agents as a
                              where a.id = agent_id and a.owner_id = (select core.acting_user())));
