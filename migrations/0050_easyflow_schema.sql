-- depends: 0001_core_schema 0002_core_partitions
--
-- easyflow: the data layer of Easy Flow (seed 003).
--
-- Users connect their marketplace and messenger accounts (integrations with platforms), talk to the
-- service in conversations whose message history is partitioned by month, have their orders synced on
-- a schedule (sync_logs) and produce hourly platform metrics. The seed's Redis keys that hold data
-- (sessions, queues, real-time counters) live here as tables; pure caches stay in the application.
--
-- The seed's SQL DDL is canonical where its ER diagram or SQLAlchemy models disagree: every enum,
-- table, column, default and index of the DDL is here, under the DDL's names. Choices, and why:
-- * Columns with a default in the DDL are NOT NULL (the seed's models type them as required values:
--   `language_code: str`, `status: IntegrationStatus`, `entities: dict`...). Nullable stays nullable.
-- * Constraint and index names follow the project's convention (pk_/fk_/uq_/ck_/ix_ + table +
--   columns) instead of the seed's idx_ names. Seed indexes that only duplicate a unique constraint's
--   own index are not created: idx_users_email (uq_users_email), idx_conversations_session_id
--   (uq_conversations_session_id) and idx_integrations_user_id (leading column of
--   uq_integrations_user_id_platform_id). Seed indexes a hot query needs wider keep their purpose and
--   gain columns: ix_conversations_user_id_updated_at (a user's conversations, latest first),
--   ix_messages_conversation_id_created_at_id (history pages newest first, keyset), ix_sync_logs_
--   integration_id_started_at and ix_platform_metrics_integration_id_period_start (time ranges).
-- * Tenant isolation (row-level security, next): every tenant-owned table carries its owner's
--   user_id directly: integrations, conversations, messages, sync_logs (new column),
--   platform_metrics (nullable in the seed: a platform-wide metric has no owner), outbound_messages
--   and message_platform_ids. Composite foreign keys (integration_id, user_id) and
--   (conversation_id, user_id) make a child's owner the parent's owner, so a row can never point
--   into another tenant's data. platforms is shared reference data; its four seed rows are inserted
--   below with an explicit column list (a later migration adds a platform the same way).
-- * conversations.platform and messages.platform reference platforms (the DDL leaves them free text).
-- * messages is RANGE-partitioned by month on created_at (the seed's own sketch); the primary key is
--   (id, created_at). core.register_partitioned_table puts it under core's maintenance: a DEFAULT
--   partition, the current month and three ahead (messages_pYYYY_MM, UTC), and a retention of
--   12 months after which old partitions are detached (kept as plain tables for archiving, out of
--   every query).
-- * Inbound dedupe: the same platform + platform_message_id must be stored once, but a partitioned
--   table's unique key must include created_at, and two deliveries of one message differ in
--   created_at. message_platform_ids is the keyed side table: its primary key (user_id, platform,
--   platform_message_id) is the uniqueness (per tenant: a key shared across tenants would tell one
--   tenant that another received a message id, and under row-level security it could return
--   another tenant's row; platform ids are only unique per account anyway), and a trigger on messages (0051) inserts the key in the
--   same transaction as the inbound message, so the second delivery, racing or not, waits on the
--   first's index entry and then fails on pk_message_platform_ids; easyflow.append_inbound_message
--   turns that into "return the stored message". No foreign key from the side table into messages:
--   a foreign key into a partitioned table would forbid retention from detaching a partition.
-- * outbound_messages is the queue:send_messages of the seed: one row per outbound message to
--   deliver, with a delivery status, attempts, run_after (backoff) and a dead-letter status.
-- * integrations.sync_claimed_at is new: the due-sync claim stamps it, so an integration whose sync
--   runs is not claimed again until the sync finishes (or is failed as abandoned). The seed's due-sync
--   index gains that condition (where status = 'connected' and sync_claimed_at is null): a claimed
--   row leaves the index, so a claim never wades through the syncs in flight.
-- * integrations.next_sync_at is NOT NULL: the database always derives it (0051). platform_metrics
--   .period_start/period_end are NOT NULL: every row is a bucket of its aggregation_period, and the
--   bucket's start is part of its unique key (a NULL there would make every row its own bucket).
-- * platform_metrics gets one row per (platform, user, integration, metric type, period, period
--   start): uq_platform_metrics_bucket (NULLS NOT DISTINCT, PostgreSQL 15+) is what the hourly
--   upsert increments, so concurrent increments never lose a count.
-- * CHECK constraints state what values mean: counts non-negative, confidence 0-1, closed_at set
--   exactly when a conversation is closed, completed_at set exactly when a sync is not running,
--   jsonb shapes (objects, errors an array), credentials and their key id together.
-- * Tables are created with plain CREATE INDEX: they are new and empty.

create schema easyflow;

-- The nine enum types of the seed's DDL, in its order, then the outbound delivery status.
create type easyflow.platform_type as enum ('ecommerce', 'messaging', 'voice', 'analytics');
create type easyflow.platform_region as enum ('russia', 'international', 'global');
create type easyflow.integration_status as enum ('pending', 'connected', 'error', 'disconnected');
create type easyflow.conversation_status as enum ('active', 'paused', 'closed', 'escalated');
create type easyflow.message_role as enum ('user', 'assistant', 'system');
create type easyflow.message_direction as enum ('inbound', 'outbound');
create type easyflow.sync_status as enum ('running', 'success', 'partial', 'failed');
create type easyflow.sync_type as enum ('full', 'incremental', 'orders', 'products');
create type easyflow.metric_type as enum (
    'messages_sent', 'messages_received', 'api_calls', 'errors', 'response_time', 'sync_duration'
);
-- queued -> sending -> sent; a failed attempt waits (failed, run_after) and is retried; dead after
-- max_attempts.
create type easyflow.delivery_status as enum ('queued', 'sending', 'sent', 'failed', 'dead');

create table easyflow.users (
    id uuid not null default gen_random_uuid(),
    email varchar(255) not null,
    name varchar(255) not null,
    phone varchar(50),
    language_code varchar(10) not null default 'ru',
    timezone varchar(50) not null default 'Europe/Moscow',
    is_active boolean not null default true,
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_users primary key (id),
    constraint uq_users_email unique (email),
    constraint ck_users_email_format check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_users_name_not_blank check (btrim(name) <> ''),
    constraint ck_users_language_code_format check (language_code ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    constraint ck_users_timezone_not_blank check (btrim(timezone) <> ''),
    constraint ck_users_metadata_object check (jsonb_typeof(metadata) = 'object')
);

create index ix_users_is_active on easyflow.users (is_active);
create index ix_users_created_at on easyflow.users (created_at);

create table easyflow.platforms (
    id varchar(50) not null,
    name varchar(255) not null,
    display_name varchar(255) not null,
    type easyflow.platform_type not null,
    region easyflow.platform_region not null,
    capabilities text[] not null default '{}',
    required_credentials text[] not null default '{}',
    is_active boolean not null default true,
    configuration jsonb not null default '{}',
    created_at timestamptz not null default now(),
    constraint pk_platforms primary key (id),
    constraint ck_platforms_id_format check (id ~ '^[a-z][a-z0-9_]*$'),
    constraint ck_platforms_name_not_blank check (btrim(name) <> '' and btrim(display_name) <> ''),
    constraint ck_platforms_configuration_object check (jsonb_typeof(configuration) = 'object')
);

insert into easyflow.platforms (id, name, display_name, type, region, capabilities, required_credentials, is_active)
values
    ('wildberries', 'Wildberries', 'Wildberries', 'ecommerce', 'russia',
     '{"orders", "products", "analytics"}', '{"api_key", "supplier_id"}', true),
    ('ozon', 'Ozon', 'Ozon', 'ecommerce', 'russia',
     '{"orders", "products", "inventory"}', '{"client_id", "api_key"}', true),
    ('telegram', 'Telegram', 'Telegram Bot API', 'messaging', 'global',
     '{"text", "inline_keyboard", "media", "files", "voice"}', '{"bot_token"}', true),
    ('whatsapp', 'WhatsApp', 'WhatsApp Business', 'messaging', 'global',
     '{"text", "media", "templates", "interactive_buttons"}', '{"access_token", "phone_number_id"}', true);

create table easyflow.integrations (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    platform_id varchar(50) not null,
    -- AES-256-GCM ciphertext made by the application (sqlfirst.easyflow.credentials), bound to this
    -- row's id; encryption_key_id names the key of the key ring that sealed it.
    credentials_encrypted bytea,
    encryption_key_id varchar(255),
    settings jsonb not null default '{}',
    status easyflow.integration_status not null default 'pending',
    status_message text,
    last_sync_at timestamptz,
    -- Kept by the database (0051): last_sync_at + sync_interval_minutes, or created_at before the
    -- first sync (due at once); so never null.
    next_sync_at timestamptz not null,
    sync_interval_minutes integer not null default 60,
    -- Set by the due-sync claim, cleared when the sync finishes.
    sync_claimed_at timestamptz,
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_integrations primary key (id),
    constraint fk_integrations_user_id foreign key (user_id) references easyflow.users (id) on delete cascade,
    constraint fk_integrations_platform_id foreign key (platform_id)
        references easyflow.platforms (id) on delete restrict,
    -- One user, one integration per platform; also the index of the user foreign key.
    constraint uq_integrations_user_id_platform_id unique (user_id, platform_id),
    -- Target of the (integration_id, user_id) foreign keys that keep a child in its owner's tenancy.
    constraint uq_integrations_id_user_id unique (id, user_id),
    constraint ck_integrations_credentials_key check (
        (credentials_encrypted is null) = (encryption_key_id is null)
    ),
    constraint ck_integrations_connected_has_credentials check (
        status <> 'connected' or credentials_encrypted is not null
    ),
    constraint ck_integrations_sync_interval_minutes check (sync_interval_minutes > 0),
    constraint ck_integrations_settings_object check (jsonb_typeof(settings) = 'object'),
    constraint ck_integrations_metadata_object check (jsonb_typeof(metadata) = 'object')
);

create index ix_integrations_platform_id on easyflow.integrations (platform_id);
create index ix_integrations_status on easyflow.integrations (status);
-- The seed's due-sync index: the claim walks connected, unclaimed integrations by next_sync_at.
create index ix_integrations_next_sync_at_connected on easyflow.integrations (next_sync_at)
    where status = 'connected' and sync_claimed_at is null;
-- Settings containment search (settings @> '{"auto_reply": true}').
create index ix_integrations_settings on easyflow.integrations using gin (settings jsonb_path_ops);

create table easyflow.conversations (
    id uuid not null default gen_random_uuid(),
    session_id varchar(255) not null,
    user_id uuid not null,
    platform varchar(50) not null,
    chat_id varchar(255),
    status easyflow.conversation_status not null default 'active',
    current_state varchar(100) not null default 'initial',
    context_data jsonb not null default '{}',
    -- Kept by the database (0051): messages appended to this conversation.
    messages_count integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- Kept by the database (0051): when the conversation was closed, null while it is not.
    closed_at timestamptz,
    constraint pk_conversations primary key (id),
    constraint fk_conversations_user_id foreign key (user_id) references easyflow.users (id) on delete cascade,
    constraint fk_conversations_platform foreign key (platform) references easyflow.platforms (id) on delete restrict,
    constraint uq_conversations_session_id unique (session_id),
    constraint uq_conversations_id_user_id unique (id, user_id),
    constraint ck_conversations_session_id_not_blank check (btrim(session_id) <> ''),
    constraint ck_conversations_current_state_not_blank check (btrim(current_state) <> ''),
    constraint ck_conversations_messages_count check (messages_count >= 0),
    constraint ck_conversations_closed_at check ((status = 'closed') = (closed_at is not null)),
    constraint ck_conversations_context_data_object check (jsonb_typeof(context_data) = 'object')
);

-- Serves the user foreign key and a user's conversations, latest activity first.
create index ix_conversations_user_id_updated_at on easyflow.conversations (user_id, updated_at desc, id desc);
create index ix_conversations_platform_chat_id on easyflow.conversations (platform, chat_id);
create index ix_conversations_status on easyflow.conversations (status);
create index ix_conversations_updated_at on easyflow.conversations (updated_at);
-- Context containment search (context_data @> '{"order_id": "..."}').
create index ix_conversations_context_data on easyflow.conversations using gin (context_data jsonb_path_ops);
-- The operators' escalation queue: escalated conversations, oldest activity first.
create index ix_conversations_updated_at_escalated on easyflow.conversations (updated_at, id)
    where status = 'escalated';

create table easyflow.messages (
    id uuid not null default gen_random_uuid(),
    conversation_id uuid,
    session_id varchar(255) not null,
    user_id uuid not null,
    content text not null,
    role easyflow.message_role not null,
    direction easyflow.message_direction,
    platform varchar(50) not null,
    platform_message_id varchar(255),
    intent varchar(100),
    entities jsonb not null default '{}',
    confidence numeric(3, 2),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    constraint pk_messages primary key (id, created_at),
    constraint fk_messages_conversation_id foreign key (conversation_id, user_id)
        references easyflow.conversations (id, user_id) on delete cascade,
    constraint fk_messages_user_id foreign key (user_id) references easyflow.users (id) on delete cascade,
    constraint fk_messages_platform foreign key (platform) references easyflow.platforms (id) on delete restrict,
    constraint ck_messages_session_id_not_blank check (btrim(session_id) <> ''),
    constraint ck_messages_confidence check (confidence between 0 and 1),
    constraint ck_messages_entities_object check (jsonb_typeof(entities) = 'object'),
    constraint ck_messages_metadata_object check (jsonb_typeof(metadata) = 'object')
) partition by range (created_at);

-- Serves the conversation foreign key and history pages newest first with a (created_at, id) keyset.
create index ix_messages_conversation_id_created_at_id on easyflow.messages (conversation_id, created_at desc, id desc);
create index ix_messages_session_id on easyflow.messages (session_id);
-- Serves the user foreign key and a user's messages by time (tenant-wide search).
create index ix_messages_user_id_created_at on easyflow.messages (user_id, created_at);
-- The seed's platform message index; also serves the platform foreign key (leading column).
create index ix_messages_platform_platform_message_id on easyflow.messages (platform, platform_message_id);
create index ix_messages_intent on easyflow.messages (intent);
create index ix_messages_created_at on easyflow.messages (created_at);
-- Entity containment search (entities @> '{"product": "..."}').
create index ix_messages_entities on easyflow.messages using gin (entities jsonb_path_ops);

select core.register_partitioned_table('easyflow.messages'::regclass, 'created_at', 3, interval '12 months', 'detach');

-- Inbound dedupe: one row per (user, platform, platform_message_id) of an inbound message, written by
-- a trigger on messages in the message's transaction (0051).
create table easyflow.message_platform_ids (
    user_id uuid not null,
    platform varchar(50) not null,
    platform_message_id varchar(255) not null,
    message_id uuid not null,
    message_created_at timestamptz not null,
    constraint pk_message_platform_ids primary key (user_id, platform, platform_message_id),
    -- No foreign key on platform: every key is copied from a message, whose fk_messages_platform holds.
    constraint fk_message_platform_ids_user_id foreign key (user_id)
        references easyflow.users (id) on delete cascade
);

-- Purging keys of messages past retention.
create index ix_message_platform_ids_message_created_at on easyflow.message_platform_ids (message_created_at);

create table easyflow.sync_logs (
    id uuid not null default gen_random_uuid(),
    integration_id uuid not null,
    user_id uuid not null,
    sync_type easyflow.sync_type not null,
    status easyflow.sync_status not null,
    records_requested integer,
    records_synced integer not null default 0,
    records_failed integer not null default 0,
    errors jsonb not null default '[]',
    error_message text,
    started_at timestamptz not null default now(),
    completed_at timestamptz,
    -- Kept by the database: whole seconds from start to completion.
    duration_seconds integer generated always as (floor(extract(epoch from completed_at - started_at))::integer) stored,
    metadata jsonb not null default '{}',
    constraint pk_sync_logs primary key (id),
    constraint fk_sync_logs_integration_id foreign key (integration_id, user_id)
        references easyflow.integrations (id, user_id) on delete cascade,
    constraint ck_sync_logs_records check (
        records_requested >= 0 and records_synced >= 0 and records_failed >= 0
    ),
    constraint ck_sync_logs_completed_after_started check (completed_at >= started_at),
    constraint ck_sync_logs_completed_at check ((status = 'running') = (completed_at is null)),
    constraint ck_sync_logs_errors_array check (jsonb_typeof(errors) = 'array'),
    constraint ck_sync_logs_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- Serves the integration foreign key and an integration's syncs over a time range.
create index ix_sync_logs_integration_id_started_at on easyflow.sync_logs (integration_id, started_at);
create index ix_sync_logs_status on easyflow.sync_logs (status);
create index ix_sync_logs_started_at on easyflow.sync_logs (started_at);
-- Syncs still running (stuck-sync watchdog).
create index ix_sync_logs_started_at_running on easyflow.sync_logs (started_at) where status = 'running';

create table easyflow.platform_metrics (
    id uuid not null default gen_random_uuid(),
    integration_id uuid,
    platform_id varchar(50) not null,
    user_id uuid,
    metric_type easyflow.metric_type not null,
    metric_value numeric(15, 4) not null,
    metric_unit varchar(50),
    aggregation_period varchar(20) not null default 'hour',
    recorded_at timestamptz not null default now(),
    period_start timestamptz not null,
    period_end timestamptz not null,
    attributes jsonb not null default '{}',
    constraint pk_platform_metrics primary key (id),
    constraint fk_platform_metrics_integration_id foreign key (integration_id, user_id)
        references easyflow.integrations (id, user_id) on delete cascade,
    constraint fk_platform_metrics_platform_id foreign key (platform_id)
        references easyflow.platforms (id) on delete restrict,
    constraint fk_platform_metrics_user_id foreign key (user_id) references easyflow.users (id) on delete cascade,
    -- The hourly upsert's key: one row per bucket; a metric without user or integration is platform-wide.
    constraint uq_platform_metrics_bucket unique nulls not distinct (
        platform_id, user_id, integration_id, metric_type, aggregation_period, period_start
    ),
    constraint ck_platform_metrics_aggregation_period check (aggregation_period in ('minute', 'hour', 'day')),
    constraint ck_platform_metrics_period check (period_end > period_start),
    constraint ck_platform_metrics_integration_has_user check (integration_id is null or user_id is not null),
    constraint ck_platform_metrics_attributes_object check (jsonb_typeof(attributes) = 'object')
);

-- Serves the integration foreign key and an integration's metrics over a time range.
create index ix_platform_metrics_integration_id_period_start on easyflow.platform_metrics (integration_id, period_start);
create index ix_platform_metrics_platform_id on easyflow.platform_metrics (platform_id);
create index ix_platform_metrics_metric_type_recorded_at on easyflow.platform_metrics (metric_type, recorded_at);
create index ix_platform_metrics_user_id_recorded_at on easyflow.platform_metrics (user_id, recorded_at);
-- A user's hourly series of one metric type (the dashboard).
create index ix_platform_metrics_user_id_metric_type_period_start on easyflow.platform_metrics (
    user_id, metric_type, period_start
);

create table easyflow.outbound_messages (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    conversation_id uuid,
    -- The history row this delivers (no foreign key: retention detaches message partitions).
    message_id uuid not null,
    message_created_at timestamptz not null,
    platform varchar(50) not null,
    chat_id varchar(255) not null,
    status easyflow.delivery_status not null default 'queued',
    attempts integer not null default 0,
    max_attempts integer not null default 5,
    run_after timestamptz not null default now(),
    claimed_at timestamptz,
    sent_at timestamptz,
    last_error text,
    platform_message_id varchar(255),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_outbound_messages primary key (id),
    constraint fk_outbound_messages_user_id foreign key (user_id) references easyflow.users (id) on delete cascade,
    constraint fk_outbound_messages_conversation_id foreign key (conversation_id, user_id)
        references easyflow.conversations (id, user_id) on delete cascade,
    constraint fk_outbound_messages_platform foreign key (platform)
        references easyflow.platforms (id) on delete restrict,
    -- A message is delivered once.
    constraint uq_outbound_messages_message_id unique (message_id),
    constraint ck_outbound_messages_chat_id_not_blank check (btrim(chat_id) <> ''),
    constraint ck_outbound_messages_attempts check (attempts >= 0 and attempts <= max_attempts),
    constraint ck_outbound_messages_max_attempts check (max_attempts > 0),
    constraint ck_outbound_messages_sent_at check ((status = 'sent') = (sent_at is not null)),
    constraint ck_outbound_messages_claimed_at check (status <> 'sending' or claimed_at is not null)
);

create index ix_outbound_messages_user_id on easyflow.outbound_messages (user_id);
create index ix_outbound_messages_platform on easyflow.outbound_messages (platform);
create index ix_outbound_messages_conversation_id on easyflow.outbound_messages (conversation_id)
    where conversation_id is not null;
-- The claim: deliveries waiting for their turn, by run_after.
create index ix_outbound_messages_run_after_waiting on easyflow.outbound_messages (run_after)
    where status in ('queued', 'failed');
-- Deliveries whose worker vanished (stale claims).
create index ix_outbound_messages_claimed_at_sending on easyflow.outbound_messages (claimed_at)
    where status = 'sending';
-- The dead-letter list.
create index ix_outbound_messages_updated_at_dead on easyflow.outbound_messages (updated_at)
    where status = 'dead';
