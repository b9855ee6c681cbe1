revoke execute on function deals.market_api_key(uuid) from sqlfirst_worker;
drop function deals.market_api_key(uuid);
delete from core.secret_columns where schema_name = 'deals' and table_name = 'markets';
grant select on deals.markets to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;
alter table deals.markets drop column has_api_key;
