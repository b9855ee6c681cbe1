-- transactional: false
drop index concurrently agent_hub.ix_marketplace_entries_rating_download_count_id;
