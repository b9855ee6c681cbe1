create index ix_outbound_messages_user_id on easyflow.outbound_messages (user_id);
alter table easyflow.outbound_messages add constraint uq_outbound_messages_message_id unique (message_id);
-- squawk-ignore ban-drop-constraint
alter table easyflow.outbound_messages drop constraint uq_outbound_messages_user_id_message_id;
-- Dropping the constraint dropped the index 0099 built: it comes back, so 0099 is undone by its own rollback.
create unique index uq_outbound_messages_user_id_message_id on easyflow.outbound_messages (user_id, message_id);
