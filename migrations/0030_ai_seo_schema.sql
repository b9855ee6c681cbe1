-- depends: 0001_core_schema 0002_core_partitions
--
-- ai_seo + analytics: the data layer of AI SEO Architects (seed 000), an SEO agency run by a
-- hierarchy of AI agents.
--
-- Staff users (admin, manager, operator) log in with refresh-token sessions; 14 specialised agents
-- (executive, management, operational) work a task queue for client campaigns; agents report
-- metrics; the separate analytics schema collects system events.
--
-- Every table, column, size and default of the seed's SQLAlchemy models is here under the seed's
-- names. Where the seed contradicts itself, and why:
-- * NOT NULL where the seed's response models require a value its ORM columns left nullable:
--   users.role / is_active, agents.is_active, agent_tasks.agent_id / status / priority,
--   campaigns.client_id / status, every created_at / updated_at, user_sessions.user_id / is_active,
--   and jsonb columns with a '{}' default (config, metadata). campaigns.objectives defaults to '{}'
--   and is NOT NULL so containment search never meets NULL. agent_metrics.metric_value is NOT NULL:
--   example 3 converts it with float() unconditionally, a metric without a value is meaningless.
-- * The string columns that the seed comments as closed sets are enum types (user_role,
--   agent_level, campaign_status, task_status, task_priority); task_priority is declared
--   low < normal < high < urgent so `order by priority desc` puts urgent first.
-- * agents.agent_id is the agents' string business key (the seed's "14 specialized agents", e.g.
--   'chief_seo_strategist') while agent_tasks.agent_id and agent_metrics.agent_id are uuid foreign
--   keys to agents.id. Both are kept under the seed's names; queries that show agents to people
--   return the business key as well.
-- * agent_tasks is the audit trail of the agency's work, so deleting an agent or a campaign may
--   not erase it: the seed's ON DELETE CASCADE from agents and campaigns becomes RESTRICT (an
--   agent is deactivated, a campaign cancelled or completed; deleting one that has tasks fails with
--   a ReferenceViolation naming the foreign key). Tasks keep the seed's SET NULL from users. A
--   client still takes its campaigns with it (seed: CASCADE), which the task foreign key therefore
--   refuses once a campaign has tasks. agent_metrics also RESTRICTs agent deletion.
-- * Tenant ownership (for row-level security): the tenant is the staff user. user_sessions.user_id
--   (NOT NULL, CASCADE) and agent_tasks.user_id (the requester; NULL for tasks the agents create
--   for each other, and after the requester is deleted) carry the owner directly;
--   analytics.system_events.user_id attributes an event. Agents, clients, campaigns and metrics are
--   the agency's shared catalogue, visible by role, not owned by one user.
-- * Secrets: users.password_hash is an Argon2id hash; user_sessions.refresh_token_hash is the
--   sha256 (64 hex digits, enforced) of a random refresh token that is returned once and never
--   stored. Neither is selected by any query that feeds an output model.
-- * user_sessions.last_used_at is new: the seed's example 4 overwrote created_at to record a use,
--   which destroys when the session began. revoked_at is new too (when is_active became false), so
--   a revoked token presented again is recognised (reuse detection) until cleanup removes it.
-- * Redundant indexes are not created twice: the seed's index=True on users.username / email and
--   agents.agent_id are served by the unique constraints. Its single-column indexes on
--   agent_tasks.status / priority (a handful of values over millions of rows) become the partial
--   pending-queue index that the claim query actually uses; the role, level and status indexes
--   gain the column their lists are ordered by.
-- * agent_metrics and analytics.system_events are time series: RANGE-partitioned by month on
--   recorded_at / occurred_at (the primary key includes it) and registered with core partition
--   maintenance (0002): a DEFAULT partition keeps any out-of-range row, the current month and three
--   ahead exist, and partitions wholly older than the retention (metrics 24 months, events 13
--   months) are detached, kept as plain tables for archiving. analytics.system_events has no
--   foreign keys, as in the seed: analytics outlives what it describes.
-- * CHECKs: non-negative budget, revenue, employee count and processing time; two capital letters
--   for the country; end date after start date; json objects where the seed types Dict[str, Any];
--   the task lifecycle (0031 adds the transitions).

create schema ai_seo;
create schema analytics;

create type ai_seo.user_role as enum ('admin', 'manager', 'operator');
create type ai_seo.agent_level as enum ('executive', 'management', 'operational');
create type ai_seo.campaign_status as enum ('draft', 'active', 'paused', 'completed', 'cancelled');
create type ai_seo.task_status as enum ('pending', 'in_progress', 'completed', 'failed', 'cancelled');
create type ai_seo.task_priority as enum ('low', 'normal', 'high', 'urgent');

create table ai_seo.users (
    id uuid not null default gen_random_uuid(),
    username varchar(50) not null,
    email varchar(100) not null,
    password_hash varchar(255) not null,
    full_name varchar(100),
    role ai_seo.user_role not null default 'operator',
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_login timestamptz,
    constraint pk_users primary key (id),
    constraint uq_users_username unique (username),
    constraint uq_users_email unique (email),
    constraint ck_users_username_not_blank check (btrim(username) <> ''),
    constraint ck_users_email_format check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_users_password_hash_not_blank check (password_hash <> '')
);

-- Users of a role, paged by username.
create index ix_users_role_username on ai_seo.users (role, username);

create table ai_seo.agents (
    id uuid not null default gen_random_uuid(),
    name varchar(100) not null,
    agent_id varchar(50) not null,
    agent_level ai_seo.agent_level not null,
    description text,
    knowledge_base_path varchar(255),
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    config jsonb not null default '{}',
    constraint pk_agents primary key (id),
    constraint uq_agents_agent_id unique (agent_id),
    constraint ck_agents_name_not_blank check (btrim(name) <> ''),
    constraint ck_agents_agent_id_format check (agent_id ~ '^[a-z0-9][a-z0-9_.-]*$'),
    constraint ck_agents_config_object check (jsonb_typeof(config) = 'object')
);

create index ix_agents_agent_level_name on ai_seo.agents (agent_level, name);
create index ix_agents_is_active on ai_seo.agents (is_active);

create table ai_seo.clients (
    id uuid not null default gen_random_uuid(),
    company_name varchar(200) not null,
    industry varchar(100),
    website varchar(255),
    annual_revenue bigint,
    employee_count integer,
    country varchar(2) not null default 'RU',
    contact_person varchar(100),
    contact_email varchar(100),
    contact_phone varchar(20),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_clients primary key (id),
    constraint ck_clients_company_name_not_blank check (btrim(company_name) <> ''),
    constraint ck_clients_annual_revenue check (annual_revenue >= 0),
    constraint ck_clients_employee_count check (employee_count >= 0),
    constraint ck_clients_country_format check (country ~ '^[A-Z]{2}$'),
    constraint ck_clients_contact_email_format check (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_clients_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- Also the keyset order of the client list (company_name, id).
create index ix_clients_company_name on ai_seo.clients (company_name, id);
create index ix_clients_industry on ai_seo.clients (industry);

create table ai_seo.campaigns (
    id uuid not null default gen_random_uuid(),
    client_id uuid not null,
    name varchar(200) not null,
    campaign_type varchar(50) not null,
    status ai_seo.campaign_status not null default 'active',
    start_date date,
    end_date date,
    budget numeric(10, 2),
    objectives text[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    config jsonb not null default '{}',
    constraint pk_campaigns primary key (id),
    constraint fk_campaigns_client_id foreign key (client_id) references ai_seo.clients (id) on delete cascade,
    constraint ck_campaigns_name_not_blank check (btrim(name) <> ''),
    constraint ck_campaigns_campaign_type_not_blank check (btrim(campaign_type) <> ''),
    constraint ck_campaigns_end_after_start check (end_date > start_date),
    constraint ck_campaigns_budget check (budget >= 0),
    constraint ck_campaigns_config_object check (jsonb_typeof(config) = 'object')
);

-- Serves the client foreign key and "a client's campaigns, newest first".
create index ix_campaigns_client_id_created_at on ai_seo.campaigns (client_id, created_at desc, id desc);
-- Campaigns of a status, newest first (keyset).
create index ix_campaigns_status_created_at on ai_seo.campaigns (status, created_at desc, id desc);
-- Objective containment search (objectives @> array['...']).
create index ix_campaigns_objectives on ai_seo.campaigns using gin (objectives);

create table ai_seo.agent_tasks (
    id uuid not null default gen_random_uuid(),
    agent_id uuid not null,
    campaign_id uuid,
    user_id uuid,
    task_type varchar(50) not null,
    status ai_seo.task_status not null default 'pending',
    priority ai_seo.task_priority not null default 'normal',
    input_data jsonb not null,
    output_data jsonb,
    error_message text,
    started_at timestamptz,
    completed_at timestamptz,
    processing_time_ms integer,
    created_at timestamptz not null default now(),
    constraint pk_agent_tasks primary key (id),
    constraint fk_agent_tasks_agent_id foreign key (agent_id) references ai_seo.agents (id) on delete restrict,
    constraint fk_agent_tasks_campaign_id foreign key (campaign_id)
        references ai_seo.campaigns (id) on delete restrict,
    constraint fk_agent_tasks_user_id foreign key (user_id) references ai_seo.users (id) on delete set null,
    constraint ck_agent_tasks_task_type_not_blank check (btrim(task_type) <> ''),
    constraint ck_agent_tasks_input_data_object check (jsonb_typeof(input_data) = 'object'),
    constraint ck_agent_tasks_output_data_object check (jsonb_typeof(output_data) = 'object'),
    -- The lifecycle's footprints: a pending task has not started; running, completed and failed
    -- ones have; a cancelled one may have or not (cancelled before or after the claim).
    constraint ck_agent_tasks_started_at check (
        case status
            when 'pending' then started_at is null
            when 'cancelled' then true
            else started_at is not null
        end
    ),
    -- Completed and failed tasks (and only they) have finished, with a measured processing time.
    constraint ck_agent_tasks_completed_at check ((completed_at is not null) = (status in ('completed', 'failed'))),
    constraint ck_agent_tasks_completed_after_started check (completed_at >= started_at),
    constraint ck_agent_tasks_processing_time_ms check (
        processing_time_ms is null or processing_time_ms >= 0 and status in ('completed', 'failed')
    ),
    constraint ck_agent_tasks_failed_has_error check (status <> 'failed' or error_message is not null)
);

-- The queue: an agent's pending tasks, urgent first, then oldest (the claim query's order).
create index ix_agent_tasks_agent_id_pending on ai_seo.agent_tasks (agent_id, priority desc, created_at, id)
    where status = 'pending';
-- Serves the agent foreign key (RESTRICT checks) and an agent's task history.
create index ix_agent_tasks_agent_id_created_at on ai_seo.agent_tasks (agent_id, created_at desc);
-- Serves the campaign foreign key; campaign analytics read only the index (index-only scans).
create index ix_agent_tasks_campaign_id on ai_seo.agent_tasks (campaign_id)
    include (agent_id, status, processing_time_ms, created_at, completed_at)
    where campaign_id is not null;
-- Serves the user foreign key (SET NULL) and the user overview (recent tasks, counts).
create index ix_agent_tasks_user_id_created_at on ai_seo.agent_tasks (user_id, created_at desc, id desc)
    include (agent_id, status)
    where user_id is not null;
create index ix_agent_tasks_task_type on ai_seo.agent_tasks (task_type);
create index ix_agent_tasks_created_at on ai_seo.agent_tasks (created_at);

create table ai_seo.agent_metrics (
    id uuid not null default gen_random_uuid(),
    agent_id uuid not null,
    metric_name varchar(50) not null,
    metric_value numeric(10, 4) not null,
    metric_unit varchar(20),
    recorded_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_agent_metrics primary key (id, recorded_at),
    constraint fk_agent_metrics_agent_id foreign key (agent_id) references ai_seo.agents (id) on delete restrict,
    constraint ck_agent_metrics_metric_name_not_blank check (btrim(metric_name) <> ''),
    constraint ck_agent_metrics_metadata_object check (jsonb_typeof(metadata) = 'object')
) partition by range (recorded_at);

-- Serves the agent foreign key and an agent's metrics over a time range, newest first.
create index ix_agent_metrics_agent_id_recorded_at on ai_seo.agent_metrics (agent_id, recorded_at desc);
create index ix_agent_metrics_recorded_at on ai_seo.agent_metrics (recorded_at);

select core.register_partitioned_table('ai_seo.agent_metrics'::regclass, 'recorded_at', 3, interval '24 months', 'detach');

create table ai_seo.user_sessions (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    refresh_token_hash varchar(255) not null,
    expires_at timestamptz not null,
    user_agent text,
    ip_address inet,
    created_at timestamptz not null default now(),
    is_active boolean not null default true,
    last_used_at timestamptz,
    revoked_at timestamptz,
    constraint pk_user_sessions primary key (id),
    constraint fk_user_sessions_user_id foreign key (user_id) references ai_seo.users (id) on delete cascade,
    -- The lookup by hash (the seed's index on refresh_token_hash); a 256-bit token never repeats.
    constraint uq_user_sessions_refresh_token_hash unique (refresh_token_hash),
    constraint ck_user_sessions_refresh_token_hash_sha256 check (refresh_token_hash ~ '^[0-9a-f]{64}$'),
    constraint ck_user_sessions_expires_after_created check (expires_at > created_at),
    constraint ck_user_sessions_revoked_at check (is_active = (revoked_at is null))
);

-- Serves the user foreign key (CASCADE) and revoking every session of a user.
create index ix_user_sessions_user_id on ai_seo.user_sessions (user_id);
-- A user's active sessions, newest first (the hot subset).
create index ix_user_sessions_user_id_created_at_active on ai_seo.user_sessions (user_id, created_at desc, id desc)
    where is_active;
-- Cleanup: expired sessions, and revoked ones past their grace period.
create index ix_user_sessions_expires_at on ai_seo.user_sessions (expires_at);
create index ix_user_sessions_revoked_at on ai_seo.user_sessions (revoked_at) where not is_active;

create table analytics.system_events (
    id uuid not null default gen_random_uuid(),
    event_type varchar(50) not null,
    source varchar(50) not null,
    user_id uuid,
    agent_id uuid,
    event_data jsonb not null,
    occurred_at timestamptz not null default now(),
    constraint pk_system_events primary key (id, occurred_at),
    constraint ck_system_events_event_type_not_blank check (btrim(event_type) <> ''),
    constraint ck_system_events_source_not_blank check (btrim(source) <> ''),
    constraint ck_system_events_event_data_object check (jsonb_typeof(event_data) = 'object')
) partition by range (occurred_at);

-- Events of a type over a time range, newest first.
create index ix_system_events_event_type_occurred_at on analytics.system_events (event_type, occurred_at desc);
create index ix_system_events_occurred_at on analytics.system_events (occurred_at);
-- Containment search in event data (event_data @> '{"campaign_id": "..."}').
create index ix_system_events_event_data on analytics.system_events using gin (event_data jsonb_path_ops);

select core.register_partitioned_table('analytics.system_events'::regclass, 'occurred_at', 3, interval '13 months', 'detach');

-- updated_at, everywhere the seed has the column.
create trigger tg_users_updated_at before update on ai_seo.users
    for each row execute function core.set_updated_at();
create trigger tg_agents_updated_at before update on ai_seo.agents
    for each row execute function core.set_updated_at();
create trigger tg_clients_updated_at before update on ai_seo.clients
    for each row execute function core.set_updated_at();
create trigger tg_campaigns_updated_at before update on ai_seo.campaigns
    for each row execute function core.set_updated_at();
