-- depends: 0175_core_database_chosen_columns 0172_agent_hub_policies_plain_acting_user
--
-- agent_hub: the application role no longer chooses the id of a session or an event (core.
-- database_chosen_columns, 0175), keyed (id, user_id) since 0117-0127 (for Citus), where an id is unique only
-- beside its user: as deals' (0176), every statement of the domain lets the default fill it.
insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('agent_hub', 'sessions', 'id'),
       ('agent_hub', 'events', 'id');
select core.grant_domain_privileges('agent_hub');
