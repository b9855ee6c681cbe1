-- The id-only keys again, and the (id, user_id) unique constraints the children's foreign keys use.
alter table easyflow.messages drop constraint fk_messages_conversation_id;
alter table easyflow.outbound_messages drop constraint fk_outbound_messages_conversation_id;
alter table easyflow.platform_metrics drop constraint fk_platform_metrics_integration_id;
alter table easyflow.sync_logs drop constraint fk_sync_logs_integration_id;

alter table easyflow.messages
    drop constraint pk_messages,
    add constraint pk_messages primary key (id, created_at);

alter table easyflow.outbound_messages
    drop constraint pk_outbound_messages,
    add constraint pk_outbound_messages primary key (id);

alter table easyflow.sync_logs
    drop constraint pk_sync_logs,
    add constraint pk_sync_logs primary key (id);

alter table easyflow.integrations
    drop constraint pk_integrations,
    add constraint pk_integrations primary key (id),
    add constraint uq_integrations_id_user_id unique (id, user_id);

alter table easyflow.conversations
    drop constraint pk_conversations,
    add constraint pk_conversations primary key (id),
    add constraint uq_conversations_id_user_id unique (id, user_id);

alter table easyflow.messages add constraint fk_messages_conversation_id
    foreign key (conversation_id, user_id) references easyflow.conversations (id, user_id) on delete cascade;
alter table easyflow.outbound_messages add constraint fk_outbound_messages_conversation_id
    foreign key (conversation_id, user_id) references easyflow.conversations (id, user_id) on delete cascade;
alter table easyflow.platform_metrics add constraint fk_platform_metrics_integration_id
    foreign key (integration_id, user_id) references easyflow.integrations (id, user_id) on delete cascade;
alter table easyflow.sync_logs add constraint fk_sync_logs_integration_id
    foreign key (integration_id, user_id) references easyflow.integrations (id, user_id) on delete cascade;
