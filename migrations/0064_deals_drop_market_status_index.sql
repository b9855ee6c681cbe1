-- depends: 0063_deals_market_deals_in_order
--
-- ix_deals_market_status (market_id, status) is a prefix of 0063's index and serves no other query.
-- A plain DROP INDEX changes the catalog only (an instant ACCESS EXCLUSIVE lock, bounded by the
-- migrator's lock_timeout).
-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deals_market_status;
