-- depends: 0082_deals_search_under_rls
--
-- list_notifications with a type, as the application role (0082's rule, found by the medium bench
-- as sqlfirst_app): enum equality is not LEAKPROOF, so under the notifications' policy
-- `type = $2` could not be an index condition of ix_notifications_user_id_type_created_at_id; the
-- typed branch read every notification of the user and filtered (154 blocks for 8 rows in the
-- generic plan). notifications.type gets the stored text copy 0082 gives deal enums
-- (deals.label), and the index is rebuilt on it.
--
-- Adding the stored column rewrites deals.notifications and the old index is dropped in the same
-- transaction as its replacement is built: on a large live table apply this in a maintenance window
-- (1M rows at the bench's medium scale: seconds).
create function deals.label(deals.notificationtype) returns text
language sql immutable parallel safe
as $$ select $1::text $$;

alter table deals.notifications
    -- squawk-ignore adding-field-with-default
    add column type_label text generated always as (deals.label(type)) stored;

-- squawk-ignore require-concurrent-index-deletion
drop index deals.ix_notifications_user_id_type_created_at_id;
create index ix_notifications_user_id_type_label_created_at_id
    on deals.notifications (user_id, type_label, created_at, id);
