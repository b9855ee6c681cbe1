-- transactional: false
drop index concurrently if exists deals.ix_deals_market_id_status_found_at_id;
