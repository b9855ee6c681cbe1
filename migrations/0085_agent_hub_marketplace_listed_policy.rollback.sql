drop policy rls_marketplace_entries_update on agent_hub.marketplace_entries;
create policy rls_marketplace_entries_update on agent_hub.marketplace_entries for update
    using (exists (select from agent_hub.agents as a where a.id = agent_id));

drop policy rls_marketplace_entries_select on agent_hub.marketplace_entries;
create policy rls_marketplace_entries_select on agent_hub.marketplace_entries for select
    using (exists (select from agent_hub.agents as a where a.id = agent_id));
