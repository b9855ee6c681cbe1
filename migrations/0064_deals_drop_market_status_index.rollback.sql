-- Plain CREATE INDEX, in the migration's transaction (see 0022 for why not CONCURRENTLY).
create index ix_deals_market_status on deals.deals (market_id, status);
