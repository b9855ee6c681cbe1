-- depends: 0175_core_database_chosen_columns 0170_easyflow_policies_plain_acting_user
--
-- easyflow: the application role no longer chooses the id of a conversation, an outbound delivery, a
-- metric row or a sync log (core.database_chosen_columns, 0175), keyed (id, user_id) for Citus,
-- where an id is unique only beside its user: as deals' (0176), every statement of the domain lets
-- the default fill them. Two keep a caller's id: an integration's (the caller seals its credentials
-- bound to the id before the row exists) and an inbound message's (append_inbound_message stores the
-- id its caller made). A twin of either is not prevented here: the worker's credential calls address
-- an integration by id alone, so its id must be checked across users, or its sealing bind the user.
insert into core.database_chosen_columns (schema_name, table_name, column_name)
values ('easyflow', 'conversations', 'id'),
       ('easyflow', 'outbound_messages', 'id'),
       ('easyflow', 'platform_metrics', 'id'),
       ('easyflow', 'sync_logs', 'id');
select core.grant_domain_privileges('easyflow');
