-- name: record_price_point(deal_id, price, currency, source, tracked_at, meta_data)<!
-- Append an observed price of a deal without changing its current price (e.g. another seller's offer).
insert into deals.price_tracking (deal_id, price, currency, source, tracked_at, meta_data)
values (:deal_id, :price, :currency, :source, coalesce(:tracked_at, clock_timestamp()), :meta_data)
returning id, deal_id, price, currency, source, tracked_at, meta_data;

-- name: get_price_history(deal_id, since, until)
-- A deal's prices in [since, until), oldest first; only the months in the range are scanned.
select id, deal_id, price, currency, source, tracked_at, meta_data
from deals.price_tracking
where deal_id = :deal_id
  and tracked_at >= :since
  and tracked_at < :until
order by tracked_at, id;
