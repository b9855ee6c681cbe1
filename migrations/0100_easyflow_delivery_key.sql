-- depends: 0099_easyflow_delivery_key_index
--
-- easyflow: the index 0099 built becomes the delivery's unique key, in place of
-- uq_outbound_messages_message_id (message_id) and of ix_outbound_messages_user_id (user_id),
-- which the new key's leading column serves (the cascade from a deleted user, a user's deliveries).
--
-- ADD CONSTRAINT ... USING INDEX and DROP CONSTRAINT/INDEX change the catalog only: their ACCESS
-- EXCLUSIVE lock lasts an instant, and the migrator's lock_timeout keeps it from queueing behind a
-- long transaction.
alter table easyflow.outbound_messages
    add constraint uq_outbound_messages_user_id_message_id
    unique using index uq_outbound_messages_user_id_message_id;
-- The constraint dropped here was replaced by the statement above, in this same transaction.
-- squawk-ignore ban-drop-constraint
alter table easyflow.outbound_messages drop constraint uq_outbound_messages_message_id;
-- squawk-ignore require-concurrent-index-deletion
drop index easyflow.ix_outbound_messages_user_id;
