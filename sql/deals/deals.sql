-- name: insert_deal(goal_id, market_id, title, description, url, image_url, current_price, original_price, currency, discount_percent, category, source, status, seller_name, seller_rating, availability_status, shipping_info, product_specs, found_at, expires_at, meta_data)<!
-- Record a deal found for a goal; its first price lands in price_tracking and the goal's match count grows.
insert into deals.deals (
    user_id, goal_id, market_id, title, description, url, image_url, current_price, original_price,
    currency, discount_percent, category, source, status, seller_name, seller_rating, availability_status,
    shipping_info, product_specs, found_at, expires_at, meta_data
)
values (
    (select g.user_id from deals.goals as g where g.id = :goal_id), :goal_id, :market_id, :title,
    :description, :url, :image_url, :current_price, :original_price, :currency, :discount_percent, :category, :source, :status, :seller_name, :seller_rating, :availability_status,
    :shipping_info, :product_specs, coalesce(:found_at, now()), :expires_at, :meta_data
)
returning id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
          discount_percent, category, source, status, seller_name, seller_rating, availability_status,
          shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data;

-- name: get_deal_by_id(id)^
-- The deal with this id.
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where id = :id;

-- name: list_deals_for_goal(goal_id, status, lim)
-- The deals found for a goal in one status, cheapest first.
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where goal_id = :goal_id
  and status = :status
order by current_price, id
limit :lim;

-- name: update_deal_price(id, current_price)<!
-- Set a deal's current price (a change is appended to its price history by trigger) and stamp the check.
update deals.deals
set current_price = :current_price,
    last_checked_at = statement_timestamp()
where id = :id
returning id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
          discount_percent, category, source, status, seller_name, seller_rating, availability_status,
          shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data;

-- name: set_deal_status(id, status)<!
-- Change a deal's status.
update deals.deals
set status = :status
where id = :id
returning id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
          discount_percent, category, source, status, seller_name, seller_rating, availability_status,
          shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data;

-- name: search_deals(category, status, min_price, max_price, after_price, after_id, lim)
-- Deals of a category and status within a price range, cheapest first, one keyset page after (price, id).
-- The conditions are on the text and cents copies of category, status and price (migration 0082:
-- under row-level security only leakproof comparisons may use an index or the column statistics,
-- and enum and numeric ones are not). current_price is numeric(10,2), so price_cents is it exactly,
-- and the integer bounds are exact for any price passed: price >= p is cents >= ceil(100p), and the
-- keyset (price, id) > (p, i) is (cents, id) > (100p, i) when 100p is whole, else cents > floor(100p),
-- i.e. (cents, id) > (floor(100p), the greatest uuid). No condition on current_price is left: as a
-- non-leakproof filter it was estimated blind, and a custom plan expecting 1 row bitmap-scanned and
-- sorted 24k deals (16k blocks) for a page of 50.
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where category_label = deals.label(:category::deals.marketcategory)
  and status_label = deals.label(:status::deals.dealstatus)
  and price_cents between ceil(:min_price::numeric * 100)::bigint and floor(:max_price::numeric * 100)::bigint
  and (price_cents, id) > (floor(:after_price::numeric * 100)::bigint,
                           case when :after_price::numeric * 100 = floor(:after_price::numeric * 100)
                                then :after_id::uuid
                                else 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid end)
order by price_cents, id
limit :lim;

-- name: search_deals_by_specs(category, status, specs, min_price, max_price, after_price, after_id, lim)
-- Like search_deals (the same exact cents conditions), restricted to deals whose product_specs
-- contain the given JSON object.
-- jsonb_contains() is `@>` in function form, on purpose: the planner estimates `@>` as very
-- selective and answered with a BitmapAnd of the GIN index over every deal with those specs, then
-- sorted them; as a function it reads (category, status, price, id) in order, checks the
-- specs on each deal and stops at the limit (generic and custom plans alike).
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where jsonb_contains(product_specs, :specs)
  and category_label = deals.label(:category::deals.marketcategory)
  and status_label = deals.label(:status::deals.dealstatus)
  and price_cents between ceil(:min_price::numeric * 100)::bigint and floor(:max_price::numeric * 100)::bigint
  and (price_cents, id) > (floor(:after_price::numeric * 100)::bigint,
                           case when :after_price::numeric * 100 = floor(:after_price::numeric * 100)
                                then :after_id::uuid
                                else 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid end)
order by price_cents, id
limit :lim;

-- name: expire_stale_deals(as_of, lim)!
-- Mark up to lim active deals whose expiry has passed as expired, the oldest expiry first, skipping
-- deals another writer holds; returns how many (sqlfirst.batches: deals.expire_stale repeats it).
-- The ids come from the partial index in expiry order up to the limit, in both plan modes: a
-- generic plan of the whole set cannot tell how many deals expired and scanned the table at scale.
-- FOR NO KEY UPDATE, the lock the update itself takes: a writer adding a score or an activity to one
-- of these deals (its foreign key's KEY SHARE) neither blocks the batch nor is blocked by it.
update deals.deals
set status = 'expired'
where id = any(array(
    select id
    from deals.deals
    where status = 'active'
      and expires_at is not null
      and expires_at <= :as_of
    order by expires_at
    limit :lim
    for no key update skip locked
))
  and status = 'active';

-- name: delete_deal(id)!
-- Delete a deal with its price history, scores and activities.
delete from deals.deals
where id = :id;

-- name: list_deals_by_url(url, lim)
-- The deals recorded for one product URL, newest first (dedupe before recording a deal).
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where url = :url
order by found_at desc, id desc
limit :lim;

-- name: list_deals_for_user(user_id, lim)
-- A user's deals across all their goals, newest first.
select d.id, d.goal_id, d.market_id, d.title, d.description, d.url, d.image_url, d.current_price,
       d.original_price, d.currency, d.discount_percent, d.category, d.source, d.status, d.seller_name,
       d.seller_rating, d.availability_status, d.shipping_info, d.product_specs, d.found_at, d.expires_at,
       d.last_checked_at, d.created_at, d.updated_at, d.meta_data
from deals.goals as g
join deals.deals as d on d.goal_id = g.id
where g.user_id = :user_id
order by d.found_at desc, d.id desc
limit :lim;

-- name: update_deal_details(id, availability_status, seller_name, seller_rating, expires_at, shipping_info)<!
-- Replace a deal's availability, seller, expiry and shipping details.
update deals.deals
set availability_status = :availability_status,
    seller_name = :seller_name,
    seller_rating = :seller_rating,
    expires_at = :expires_at,
    shipping_info = :shipping_info
where id = :id
returning id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
          discount_percent, category, source, status, seller_name, seller_rating, availability_status,
          shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data;

-- name: list_deals_by_market(market_id, status, lim)
-- A market's deals in one status, newest first.
select id, goal_id, market_id, title, description, url, image_url, current_price, original_price, currency,
       discount_percent, category, source, status, seller_name, seller_rating, availability_status,
       shipping_info, product_specs, found_at, expires_at, last_checked_at, created_at, updated_at, meta_data
from deals.deals
where market_id = :market_id
  and status_label = deals.label(:status::deals.dealstatus)  -- leakproof under RLS (migration 0082)
order by found_at desc, id desc
limit :lim;
