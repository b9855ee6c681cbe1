-- depends: 0029_deals_goals_end_date_open
--
-- Lists with an optional filter (`:type is null or type = :type`) read one owner's rows newest
-- first. Their generic plans (what a prepared statement switches to after five calls) cannot tell
-- whether the filter is given, so they read a time index over every owner's rows, or all of the
-- owner's rows, and filtered and sorted (small scale: list_deal_activities_by_agent discarded 227
-- rows per row returned). The queries now have one branch per case, each behind a one-time filter
-- on the parameter, and each branch has an index in its ORDER BY's order, so both plan modes read
-- in order and stop at the limit. The (owner, created_at, id) indexes make the single-column
-- owner indexes redundant (same leading column).
create index ix_deal_activities_agent_id_created_at_id
    on deals.deal_activities (agent_id, created_at, id);
create index ix_deal_activities_agent_id_activity_type_created_at_id
    on deals.deal_activities (agent_id, activity_type, created_at, id);
-- A plain DROP INDEX changes the catalog only (an instant ACCESS EXCLUSIVE lock, bounded by the
-- migrator's lock_timeout), in the same transaction as the index that replaces it.
-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deal_activities_agent_id;

create index ix_deal_activities_user_id_created_at_id
    on deals.deal_activities (user_id, created_at, id);
create index ix_deal_activities_user_id_activity_type_created_at_id
    on deals.deal_activities (user_id, activity_type, created_at, id);
-- A plain DROP INDEX changes the catalog only (an instant ACCESS EXCLUSIVE lock, bounded by the
-- migrator's lock_timeout), in the same transaction as the index that replaces it.
-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_deal_activities_user_id;

-- list_notifications(user_id, type, priority): without a type, the user's notifications in order
-- (priority, one of four levels, checked on each); with a type, that type's in order.
create index ix_notifications_user_id_created_at_id
    on deals.notifications (user_id, created_at, id);
create index ix_notifications_user_id_type_created_at_id
    on deals.notifications (user_id, type, created_at, id);

-- Plain CREATE INDEX, in the migration's transaction (see 0022 for why not CONCURRENTLY).
