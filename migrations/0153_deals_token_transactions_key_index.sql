-- depends: 0152_deals_goals_tenant_key
-- transactional: false
--
-- deals: the index of token transactions' tenant key (id, user_id), built without blocking writes
-- (issue 16, sql/deals/citus.toml): the balance history's foreign key names it from 0154 on, and
-- 0156 makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_token_transactions_id_user_id
    on deals.token_transactions (id, user_id);
