-- depends: 0073_deals_row_security
--
-- A market's api key is a secret (issue 11): no role but the owner may select it, so a forgotten
-- column in a list query, or an injected one, cannot leak it. Queries reported whether a market
-- has a key with `api_key is not null`, which needs SELECT on the key itself; has_api_key is now a
-- stored generated column they read instead. The sync worker gets a key through
-- deals.market_api_key(), a SECURITY DEFINER function only sqlfirst_worker may execute.
--
-- Adding a stored generated column rewrites deals.markets under an ACCESS EXCLUSIVE lock, bounded
-- by the migrator's lock_timeout: markets is platform reference data, a few hundred rows at most.
-- squawk-ignore adding-field-with-default
alter table deals.markets add column has_api_key boolean not null generated always as (api_key is not null) stored;

insert into core.secret_columns (schema_name, table_name, column_name)
values ('deals', 'markets', 'api_key');

create function deals.market_api_key(p_market_id uuid)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select api_key from deals.markets where id = p_market_id
$$;

comment on function deals.market_api_key(uuid) is
    'The api key of one market, for the sync worker (sqlfirst_worker) only: handing credentials over.';

revoke execute on function deals.market_api_key(uuid) from public;
select core.grant_domain_privileges('deals');
grant execute on function deals.market_api_key(uuid) to sqlfirst_worker;
