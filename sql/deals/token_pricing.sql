-- name: insert_token_pricing(service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, meta_data)<!
-- Add a price for a service; an active price whose window overlaps another of the service is rejected.
insert into deals.token_pricing (service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, meta_data)
values (:service_type, :token_cost, :min_tokens, :max_tokens, coalesce(:valid_from, now()), :valid_to, :meta_data)
returning id, service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, is_active, created_at,
          updated_at, meta_data;

-- name: get_token_price_at(service_type, at)^
-- The active price of a service valid at the given time.
select id, service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, is_active, created_at,
       updated_at, meta_data
from deals.token_pricing
where service_type = :service_type
  and is_active
  and valid_from <= :at
  and (valid_to is null or valid_to > :at);

-- name: list_token_pricing(service_type)
-- Every price of a service, oldest window first.
select id, service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, is_active, created_at,
       updated_at, meta_data
from deals.token_pricing
where service_type = :service_type
order by valid_from, id;

-- name: deactivate_token_pricing(id)<!
-- Withdraw a price (it no longer applies nor blocks other windows).
update deals.token_pricing
set is_active = false
where id = :id
returning id, service_type, token_cost, min_tokens, max_tokens, valid_from, valid_to, is_active, created_at,
          updated_at, meta_data;
