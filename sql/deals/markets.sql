-- name: insert_market(name, type, status, base_url, api_endpoint, api_key, rate_limit, rate_limit_window, meta_data)<!
-- Register a market; the api key is stored and never returned.
insert into deals.markets (name, type, status, base_url, api_endpoint, api_key, rate_limit, rate_limit_window, meta_data)
values (:name, :type, :status, :base_url, :api_endpoint, :api_key, :rate_limit, :rate_limit_window, :meta_data)
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: get_market_by_id(id)^
-- The market with this id (without its api key).
select id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
       rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
       created_at, updated_at, meta_data
from deals.markets
where id = :id;

-- name: list_markets_by_type_status(type, status)
-- The markets of one type in one status, by name.
select id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
       rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
       created_at, updated_at, meta_data
from deals.markets
where type = :type
  and status = :status
order by name, id;

-- name: set_market_status(id, status)<!
-- Change a market's status.
update deals.markets
set status = :status
where id = :id
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: consume_market_rate_limit(id)<!
-- Take one call from an active market's rate limit, starting a new window when the last one has passed;
-- returns the calls used in the window, or nothing when the limit is reached. The row lock makes
-- concurrent callers take turns, each re-checking the count the previous one left.
update deals.markets
set current_rate = case
        when last_rate_reset is null
          or last_rate_reset <= statement_timestamp() - make_interval(secs => rate_limit_window)
        then 1
        else current_rate + 1
    end,
    last_rate_reset = case
        when last_rate_reset is null
          or last_rate_reset <= statement_timestamp() - make_interval(secs => rate_limit_window)
        then statement_timestamp()
        else last_rate_reset
    end
where id = :id
  and status = 'active'
  and (
      rate_limit is null
      or last_rate_reset is null
      or last_rate_reset <= statement_timestamp() - make_interval(secs => rate_limit_window)
      or current_rate < rate_limit
  )
returning current_rate;

-- name: record_market_error(id, error)<!
-- Count an error of a market and keep its message and time.
update deals.markets
set error_count = error_count + 1,
    last_error = :error,
    last_error_at = statement_timestamp()
where id = :id
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: list_active_markets()
-- Every active market, by name.
select id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
       rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
       created_at, updated_at, meta_data
from deals.markets
where status = 'active'
order by name, id;

-- name: update_market_config(id, base_url, api_endpoint, rate_limit, rate_limit_window, meta_data)<!
-- Replace a market's endpoints, rate limits and meta data (its api key is kept).
update deals.markets
set base_url = :base_url,
    api_endpoint = :api_endpoint,
    rate_limit = :rate_limit,
    rate_limit_window = :rate_limit_window,
    meta_data = :meta_data
where id = :id
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: set_market_api_key(id, api_key)<!
-- Store (or, with null, remove) a market's api key; the key is never returned.
update deals.markets
set api_key = :api_key
where id = :id
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: reset_market_errors(id)<!
-- Clear a market's error count and last error (after the market recovered).
update deals.markets
set error_count = 0,
    last_error = null,
    last_error_at = null
where id = :id
returning id, name, type, status, base_url, api_endpoint, has_api_key, rate_limit,
          rate_limit_window, current_rate, last_rate_reset, error_count, last_error_at, last_error,
          created_at, updated_at, meta_data;

-- name: get_market_api_key(id)$
-- The market's api key, for the sync worker: only sqlfirst_worker (and the owner) may call the function.
select deals.market_api_key(:id);
