-- depends: 0097_easyflow_drop_sending_index
-- transactional: false
--
-- easyflow: one delivery per message, keyed with its tenant (issue 16, sql/easyflow/citus.toml).
-- Citus enforces a unique key of a distributed table only when the key holds the distribution
-- column: uq_outbound_messages_message_id (message_id) becomes unique (user_id, message_id). The
-- message's user is the delivery's (queue_outbound_message takes both from the conversation), and
-- a message id is a uuid of one message, so the pair is as strict as the id alone was.
--
-- Built concurrently (no write is blocked while it builds); 0100 turns it into the constraint.
create unique index concurrently if not exists uq_outbound_messages_user_id_message_id
    on easyflow.outbound_messages (user_id, message_id);
