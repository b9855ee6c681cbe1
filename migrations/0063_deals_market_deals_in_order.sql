-- depends: 0062_deals_activity_order_indexes
-- transactional: false
--
-- A market's deals of one status, newest first (deals.list_deals_by_market): the (market_id, status)
-- index found every deal of the market and status and the query sorted them all for one page (at
-- medium, 17,625 blocks and a p50 of 89 ms for 50 rows, custom and generic plans alike). With
-- found_at and id in the key the page is read in order and stops at the limit; 0064 drops the old
-- index, a prefix of this one that serves nothing else.
-- Built concurrently: deals.deals is live and large.
create index concurrently if not exists ix_deals_market_id_status_found_at_id
    on deals.deals (market_id, status, found_at desc, id desc);
