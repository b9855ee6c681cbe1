-- depends: 0175_core_database_chosen_columns 0174_deals_price_tracking_owner_by_deal
--
-- deals: the application role no longer chooses the id of a row keyed (id, user_id) (core.
-- database_chosen_columns, 0175); every statement of the domain lets the default fill it. Since
-- 0095-0168 these keys hold the tenant (as Citus needs), so an id is unique only beside its user, and
-- a user could write a twin: a goal of their own under the id of another user's goal, which that
-- user's shared deals show. Policies no longer take a twin for the original (0171, 0174), but a
-- goal's deals are listed by goal id, and a twin's shared deals would be listed among the original's.
-- Now the database picks every such id (gen_random_uuid()), so none can be another's.
insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('deals', 'goals', 'id'),
       ('deals', 'tasks', 'id'),
       ('deals', 'task_activities', 'id'),
       ('deals', 'deal_scores', 'id'),
       ('deals', 'deal_activities', 'id'),
       ('deals', 'chat_messages', 'id'),
       ('deals', 'notifications', 'id'),
       ('deals', 'token_transactions', 'id'),
       ('deals', 'token_balance_history', 'id'),
       ('deals', 'auth_tokens', 'id'),
       ('deals', 'user_settings', 'id');
select core.grant_domain_privileges('deals');
