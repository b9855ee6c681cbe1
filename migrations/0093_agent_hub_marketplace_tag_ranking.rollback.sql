drop function agent_hub.marketplace_search_tag(jsonb);
drop trigger tg_marketplace_entries_ranking on agent_hub.marketplace_entries;
drop function agent_hub.sync_marketplace_ranking();
drop index agent_hub.ix_marketplace_entries_category_rank;
drop index agent_hub.ix_marketplace_entries_rank;
drop table agent_hub.marketplace_entry_tags;
