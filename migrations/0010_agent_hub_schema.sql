-- depends: 0001_core_schema
--
-- agent_hub: the data layer of the Pydantic AI agent service (seed 004).
--
-- Users own agents; sessions run an agent for a user and keep the conversation (message_history,
-- a JSON array of Pydantic AI messages) and agent state; events are the ordered audit trail of a
-- session; a published agent has exactly one marketplace entry.
--
-- Choices that differ from the seed's SQLAlchemy models, and why:
-- * json -> jsonb: containment search (marketplace tags) needs GIN, and jsonb appends are cheap.
-- * DateTime (naive, utcnow) -> timestamptz with defaults in the database.
-- * events.author is an enum of the three authors the seed names.
-- * sessions.last_event_sequence is new: events.sequence_number is handed out by incrementing it
--   under the session's row lock, so concurrent appends get 1, 2, 3... with no gaps or duplicates,
--   without max()+1 races.
-- * marketplace_entries.rating_count is new: ratings are a running average that must be updatable
--   atomically in one statement.
-- * Deletes cascade where the seed's ORM relationships cascade (user -> agents, sessions; agent ->
--   sessions; session -> events) and also from an agent to its marketplace entry, which cannot
--   outlive it.
-- * The seed's indexes were CREATE INDEX CONCURRENTLY against live tables; on tables created in this
--   same migration a plain CREATE INDEX is instant and can run inside the transaction.
-- * events is not partitioned: the unique (session_id, sequence_number) key is the table's core
--   guarantee, and a partitioned table could only enforce it with the partition key included.

create schema agent_hub;

create type agent_hub.event_author as enum ('user', 'agent', 'system');

create table agent_hub.users (
    id uuid not null default gen_random_uuid(),
    username varchar(50) not null,
    email varchar(100) not null,
    password_hash varchar(128) not null,
    full_name varchar(100),
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_users primary key (id),
    constraint uq_users_username unique (username),
    constraint uq_users_email unique (email),
    constraint ck_users_username_not_blank check (btrim(username) <> ''),
    constraint ck_users_email_format check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_users_password_hash_not_blank check (password_hash <> '')
);

create table agent_hub.agents (
    id uuid not null default gen_random_uuid(),
    name varchar(100) not null,
    display_name varchar(200) not null,
    description text,
    owner_id uuid not null,
    definition jsonb not null,
    metadata jsonb not null default '{}',
    is_public boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_agents primary key (id),
    constraint fk_agents_owner_id foreign key (owner_id) references agent_hub.users (id) on delete cascade,
    constraint ck_agents_name_not_blank check (btrim(name) <> ''),
    constraint ck_agents_definition_object check (jsonb_typeof(definition) = 'object'),
    constraint ck_agents_metadata_object check (jsonb_typeof(metadata) = 'object')
);

create index ix_agents_name on agent_hub.agents (name);
-- Serves the owner foreign key too (leading column).
create index ix_agents_owner_id_is_public on agent_hub.agents (owner_id, is_public);
-- The public catalogue, newest first, paged by keyset.
create index ix_agents_created_at_id_public on agent_hub.agents (created_at desc, id desc) where is_public;

create table agent_hub.sessions (
    id uuid not null default gen_random_uuid(),
    agent_id uuid not null,
    user_id uuid not null,
    external_session_id varchar(255),
    message_history jsonb not null default '[]',
    state jsonb not null default '{}',
    last_event_sequence integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_sessions primary key (id),
    constraint fk_sessions_agent_id foreign key (agent_id) references agent_hub.agents (id) on delete cascade,
    constraint fk_sessions_user_id foreign key (user_id) references agent_hub.users (id) on delete cascade,
    constraint ck_sessions_message_history_array check (jsonb_typeof(message_history) = 'array'),
    constraint ck_sessions_state_object check (jsonb_typeof(state) = 'object'),
    constraint ck_sessions_last_event_sequence check (last_event_sequence >= 0)
);

-- Serves the user foreign key and "sessions of a user (with an agent)".
create index ix_sessions_user_id_agent_id on agent_hub.sessions (user_id, agent_id);
create index ix_sessions_agent_id on agent_hub.sessions (agent_id);
create index ix_sessions_external_session_id on agent_hub.sessions (external_session_id)
    where external_session_id is not null;

create table agent_hub.events (
    id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    author agent_hub.event_author not null,
    content text not null default '',
    metadata jsonb not null default '{}',
    partial boolean not null default false,
    turn_complete boolean not null default true,
    sequence_number integer not null,
    error_code varchar(50),
    error_message text,
    "timestamp" timestamptz not null default now(),
    constraint pk_events primary key (id),
    constraint fk_events_session_id foreign key (session_id) references agent_hub.sessions (id) on delete cascade,
    -- Also the index for the foreign key and for reading a session's events in order.
    constraint uq_events_session_id_sequence_number unique (session_id, sequence_number),
    constraint ck_events_sequence_number_positive check (sequence_number > 0),
    constraint ck_events_metadata_object check (jsonb_typeof(metadata) = 'object')
);

create table agent_hub.marketplace_entries (
    id uuid not null default gen_random_uuid(),
    agent_id uuid not null,
    category varchar(100) not null,
    tags jsonb not null default '[]',
    rating double precision,
    rating_count integer not null default 0,
    download_count integer not null default 0,
    changelog text,
    published_at timestamptz not null default now(),
    constraint pk_marketplace_entries primary key (id),
    constraint fk_marketplace_entries_agent_id foreign key (agent_id)
        references agent_hub.agents (id) on delete cascade,
    constraint uq_marketplace_entries_agent_id unique (agent_id),
    constraint ck_marketplace_entries_rating_range check (rating >= 0 and rating <= 5),
    constraint ck_marketplace_entries_rating_count check (rating_count >= 0),
    constraint ck_marketplace_entries_rating_present check ((rating is null) = (rating_count = 0)),
    constraint ck_marketplace_entries_download_count check (download_count >= 0),
    constraint ck_marketplace_entries_tags_array check (jsonb_typeof(tags) = 'array'),
    constraint ck_marketplace_entries_category_not_blank check (btrim(category) <> '')
);

create index ix_marketplace_entries_category_rating
    on agent_hub.marketplace_entries (category, rating desc nulls last);
create index ix_marketplace_entries_tags on agent_hub.marketplace_entries using gin (tags jsonb_path_ops);

create trigger tg_users_updated_at before update on agent_hub.users
    for each row execute function core.set_updated_at();
create trigger tg_agents_updated_at before update on agent_hub.agents
    for each row execute function core.set_updated_at();
create trigger tg_sessions_updated_at before update on agent_hub.sessions
    for each row execute function core.set_updated_at();
