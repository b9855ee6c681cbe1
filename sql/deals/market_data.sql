-- name: upsert_market_data(symbol, market_type, price, high_24h, low_24h, volume_24h, change_24h, change_percent_24h, last_updated, source, meta_data)<!
-- Insert or refresh the quote of a symbol from a source; an older quote never overwrites a newer one.
insert into deals.market_data (
    symbol, market_type, price, high_24h, low_24h, volume_24h, change_24h, change_percent_24h, last_updated,
    source, meta_data
)
values (
    :symbol, :market_type, :price, :high_24h, :low_24h, :volume_24h, :change_24h, :change_percent_24h,
    coalesce(:last_updated, now()), :source, :meta_data
)
on conflict (symbol, source) do update
set market_type = excluded.market_type,
    price = excluded.price,
    high_24h = excluded.high_24h,
    low_24h = excluded.low_24h,
    volume_24h = excluded.volume_24h,
    change_24h = excluded.change_24h,
    change_percent_24h = excluded.change_percent_24h,
    last_updated = excluded.last_updated,
    meta_data = excluded.meta_data
where excluded.last_updated >= deals.market_data.last_updated
returning id, symbol, market_type, price, high_24h, low_24h, volume_24h, change_24h, change_percent_24h,
          last_updated, source, meta_data, created_at, updated_at;

-- name: get_latest_market_data(symbol)^
-- The most recent quote of a symbol across sources.
select id, symbol, market_type, price, high_24h, low_24h, volume_24h, change_24h, change_percent_24h,
       last_updated, source, meta_data, created_at, updated_at
from deals.market_data
where symbol = :symbol
order by last_updated desc, id desc
limit 1;

-- name: list_market_data_by_type(market_type, lim)
-- Quotes of one market type, most recently updated first.
select id, symbol, market_type, price, high_24h, low_24h, volume_24h, change_24h, change_percent_24h,
       last_updated, source, meta_data, created_at, updated_at
from deals.market_data
where market_type = :market_type
order by last_updated desc, id desc
limit :lim;
