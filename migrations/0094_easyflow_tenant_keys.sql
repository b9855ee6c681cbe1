-- depends: 0091_easyflow_users_own_row
--
-- Every key of easyflow's tenant tables carries the tenant (issue 16, the Citus plan in
-- sql/easyflow/citus.toml): Citus requires each primary key and unique constraint of a distributed
-- table to include its distribution column, here user_id. The ids are gen_random_uuid(), so a key
-- that adds user_id to id accepts nothing the id-only key refused, and rows keep their ids.
--
-- * conversations and integrations: their (id, user_id) unique constraints, the targets of the
--   children's tenant-keeping foreign keys, become the primary keys; the id-only keys go. The
--   foreign keys pointing at them are dropped and added again (the same columns and actions) because
--   they depend on the unique constraints' indexes.
-- * sync_logs and outbound_messages: primary key (id, user_id).
-- * messages (partitioned by created_at): primary key (id, created_at, user_id), on every partition.
--
-- id stays the leading column of every key, so each lookup by id (and a message's by id and
-- created_at) still reads one index entry; nothing else of the schema or the queries changes.
--
-- Cost on a populated database: the new keys' indexes are built and the four foreign keys validated
-- while this transaction holds the five tables (and messages' partitions) locked, about as long as
-- building one btree over each table plus one read of messages, outbound_messages, sync_logs and
-- platform_metrics. Run it in a quiet window; the Migrator's lock_timeout keeps it from queueing
-- behind live traffic.
--
-- Left for later (deviations in the plan): conversations' session_id stays unique across tenants
-- (a platform's session id arrives before its user is known), outbound_messages' message_id too
-- (one delivery per message, which no key on the message's own tenant could hold without a foreign
-- key to the partitioned messages), and platform-wide metric buckets keep user_id null.


-- Each constraint dropped here is replaced below, in this same transaction, by one that refuses no less.
-- squawk-ignore ban-drop-constraint
alter table easyflow.messages drop constraint fk_messages_conversation_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.outbound_messages drop constraint fk_outbound_messages_conversation_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.platform_metrics drop constraint fk_platform_metrics_integration_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.sync_logs drop constraint fk_sync_logs_integration_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.conversations drop constraint pk_conversations;
-- squawk-ignore ban-drop-constraint
alter table easyflow.conversations drop constraint uq_conversations_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.integrations drop constraint pk_integrations;
-- squawk-ignore ban-drop-constraint
alter table easyflow.integrations drop constraint uq_integrations_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table easyflow.sync_logs drop constraint pk_sync_logs;
-- squawk-ignore ban-drop-constraint
alter table easyflow.outbound_messages drop constraint pk_outbound_messages;
-- squawk-ignore ban-drop-constraint
alter table easyflow.messages drop constraint pk_messages;

alter table easyflow.conversations add constraint pk_conversations primary key (id, user_id);
alter table easyflow.integrations add constraint pk_integrations primary key (id, user_id);
alter table easyflow.sync_logs add constraint pk_sync_logs primary key (id, user_id);
alter table easyflow.outbound_messages add constraint pk_outbound_messages primary key (id, user_id);
alter table easyflow.messages add constraint pk_messages primary key (id, created_at, user_id);

alter table easyflow.messages add constraint fk_messages_conversation_id
    foreign key (conversation_id, user_id) references easyflow.conversations (id, user_id) on delete cascade;
alter table easyflow.outbound_messages add constraint fk_outbound_messages_conversation_id
    foreign key (conversation_id, user_id) references easyflow.conversations (id, user_id) on delete cascade;
alter table easyflow.platform_metrics add constraint fk_platform_metrics_integration_id
    foreign key (integration_id, user_id) references easyflow.integrations (id, user_id) on delete cascade;
alter table easyflow.sync_logs add constraint fk_sync_logs_integration_id
    foreign key (integration_id, user_id) references easyflow.integrations (id, user_id) on delete cascade;
