-- depends: 0001_core_schema 0002_core_partitions
--
-- deals: the data layer of the AI Agentic Deals System (seed 002).
--
-- Users set goals (what they want, at what price); agents watch markets and record deals found for a
-- goal; every deal's price is tracked over time; notifications and chat messages talk to the user;
-- users pay for the service in tokens (deduct / reward / refund), with an append-only balance history.
--
-- The seed describes two schemas. Its SQL DDL section is canonical: every table, column, default,
-- foreign key (with its ON DELETE) and listed index of that section is here under the seed's names.
-- deal_scores, agents, tasks, deal_activities, task_activities, user_settings and market_data come
-- only from its "Data Models" section and are written in the DDL section's style (uuid ids,
-- timestamptz, meta_data jsonb not null default '{}'); their enums are Postgres enums as well.
--
-- Choices, and why:
-- * Enum types keep the seed's type names (userstatus, dealstatus, ...: what its SQLAlchemy models
--   name them) with lowercase values, as its enum-handling section requires. The Data Models
--   section's MarketType (stock, crypto, ...) clashes with the DDL's markettype (amazon, ...), so
--   market_data.market_type is the enum marketdatatype.
-- * Constraint names follow the seed's naming conventions (uq_<table>_<column>, ix_<table>_<column>)
--   plus pk_/fk_/ck_/ex_; the DDL section lists uq_user_email, uq_user_wallet and uq_user_referral,
--   which become uq_users_email, uq_users_sol_address and uq_users_referral_code.
--   ch_positive_balance keeps the seed's exact name.
-- * Seed indexes that would duplicate a unique constraint's own index are not created twice:
--   ix_users_wallet (sol_address), ix_users_referral (referral_code), ix_auth_tokens_token (token),
--   ix_user_settings_user_id and ix_market_data_symbol are served by uq_users_sol_address,
--   uq_users_referral_code, uq_auth_tokens_token, uq_user_settings_user_id and
--   uq_market_data_symbol_source (leading column). Seed indexes that a hot query needs wider keep the
--   seed's name and gain the columns the query orders by (ix_price_tracking_deal,
--   ix_chat_messages_user, ix_chat_messages_goal).
-- * users.password holds an Argon2id hash (never the password); auth_tokens.token holds the sha256
--   of the raw token (64 hex digits, enforced), so a stolen table cannot be replayed. Neither
--   column, nor markets.api_key, is selected by any query that feeds an output model.
-- * CHECK constraints state what the numbers mean: balances and counters non-negative, percentages
--   0-100, seller rating 0-5, scores and confidence 0-100, model metrics 0-1, end after start,
--   valid_to after valid_from, currency three capital letters, wallet base58, referral codes
--   A-Z0-9.
-- * price_tracking is append-heavy and read by time range, so it is RANGE-partitioned by month on
--   tracked_at: the primary key includes tracked_at. core.register_partitioned_table (0002) puts it
--   under core's partition maintenance: a DEFAULT partition catches any row outside the premade
--   months (nothing is rejected), the current month and three ahead are created now, named
--   price_tracking_pYYYY_MM (UTC), and `sqlfirst partitions maintain` keeps them coming. The seed
--   names no retention, so history is kept.
-- * token_pricing rejects overlapping validity windows of one service with an exclusion constraint
--   that needs no btree_gist: service_type becomes a one-point range of the core range type
--   deals.textrange, and range && range is indexable by core GiST. Being a constraint it holds at
--   every isolation level and under concurrency; only active prices take part.
-- * Tables are created with plain CREATE INDEX: they are new and empty, so there is nothing to lock.

create schema deals;

-- Enums of the seed's "Enum Types" section, in the seed's order.
create type deals.userstatus as enum ('active', 'inactive', 'suspended', 'deleted');
create type deals.notificationpriority as enum ('critical', 'high', 'medium', 'low');
create type deals.notificationstatus as enum ('pending', 'sent', 'delivered', 'read', 'failed');
create type deals.notificationtype as enum (
    'system', 'deal', 'goal', 'price_alert', 'token', 'security', 'market'
);
create type deals.marketcategory as enum (
    'electronics', 'fashion', 'home', 'books', 'toys', 'sports', 'automotive', 'health', 'beauty',
    'grocery', 'other'
);
create type deals.markettype as enum ('amazon', 'walmart', 'ebay', 'target', 'bestbuy');
create type deals.marketstatus as enum ('active', 'inactive', 'maintenance', 'rate_limited', 'error');
create type deals.goalstatus as enum ('active', 'paused', 'completed', 'cancelled', 'failed', 'expired', 'error');
create type deals.goalpriority as enum ('high', 'medium', 'low');
create type deals.dealstatus as enum ('pending', 'active', 'expired', 'sold_out', 'invalid', 'deleted');
create type deals.dealsource as enum (
    'amazon', 'walmart', 'ebay', 'target', 'bestbuy', 'manual', 'api', 'scraper', 'user', 'agent'
);
create type deals.tokentype as enum ('access', 'refresh', 'reset');
create type deals.tokenstatus as enum ('active', 'expired', 'revoked');
create type deals.tokenscope as enum ('full', 'limited', 'read');
create type deals.transactiontype as enum ('deduction', 'reward', 'refund');
create type deals.transactionstatus as enum ('pending', 'completed', 'failed', 'cancelled');
create type deals.balancechangetype as enum ('deduction', 'reward', 'refund');
create type deals.messagerole as enum ('user', 'assistant', 'system');
-- Enums of the tables that only the "Data Models" section has.
create type deals.scoretype as enum ('risk', 'profit_potential', 'market_sentiment');
create type deals.agenttype as enum ('market_analyst', 'research', 'negotiator', 'executor');
create type deals.agentstatus as enum ('active', 'inactive', 'busy');
create type deals.taskstatus as enum ('pending', 'in_progress', 'completed', 'failed');
create type deals.dealactivitytype as enum (
    'created', 'updated', 'analyzed', 'goal_added', 'goal_completed', 'completed', 'cancelled'
);
create type deals.taskactivitytype as enum ('created', 'started', 'progress', 'blocked', 'completed', 'failed');
create type deals.marketdatatype as enum ('stock', 'crypto', 'forex', 'commodity');

-- A range over text: lets a GiST exclusion constraint compare service names without btree_gist.
create type deals.textrange as range (subtype = text);

create table deals.users (
    id uuid not null default gen_random_uuid(),
    email varchar(255) not null,
    name varchar(255),
    password text not null,
    sol_address varchar(44),
    referral_code varchar(10),
    referred_by uuid,
    token_balance numeric(18, 8) not null default 0,
    preferences jsonb not null default '{}',
    status deals.userstatus not null default 'active',
    notification_channels jsonb not null default '["in_app"]',
    email_verified boolean not null default false,
    social_provider varchar(50),
    social_id varchar(255),
    last_payment_at timestamptz,
    last_login_at timestamptz,
    active_goals_count integer not null default 0,
    total_deals_found integer not null default 0,
    success_rate numeric(5, 4) not null default 0,
    total_tokens_spent numeric(18, 8) not null default 0,
    total_rewards_earned numeric(18, 8) not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_users primary key (id),
    constraint fk_users_referred_by foreign key (referred_by) references deals.users (id) on delete set null,
    constraint uq_users_email unique (email),
    constraint uq_users_sol_address unique (sol_address),
    constraint uq_users_referral_code unique (referral_code),
    constraint ch_positive_balance check (token_balance >= 0),
    constraint ck_users_email_format check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_users_password_not_blank check (password <> ''),
    constraint ck_users_sol_address_format check (sol_address ~ '^[1-9A-HJ-NP-Za-km-z]{32,44}$'),
    constraint ck_users_referral_code_format check (referral_code ~ '^[A-Z0-9]{6,10}$'),
    constraint ck_users_referred_by_not_self check (referred_by <> id),
    constraint ck_users_active_goals_count check (active_goals_count >= 0),
    constraint ck_users_total_deals_found check (total_deals_found >= 0),
    constraint ck_users_success_rate check (success_rate between 0 and 1),
    constraint ck_users_total_tokens_spent check (total_tokens_spent >= 0),
    constraint ck_users_total_rewards_earned check (total_rewards_earned >= 0),
    constraint ck_users_preferences_object check (jsonb_typeof(preferences) = 'object'),
    constraint ck_users_notification_channels_array check (jsonb_typeof(notification_channels) = 'array')
);

create index ix_users_email_status on deals.users (email, status);
create index ix_users_referred_by on deals.users (referred_by) where referred_by is not null;

create table deals.auth_tokens (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    token text not null,
    token_type deals.tokentype not null,
    status deals.tokenstatus not null default 'active',
    scope deals.tokenscope not null default 'full',
    expires_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_auth_tokens primary key (id),
    constraint fk_auth_tokens_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    constraint uq_auth_tokens_token unique (token),
    constraint ck_auth_tokens_token_sha256 check (token ~ '^[0-9a-f]{64}$'),
    constraint ck_auth_tokens_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_auth_tokens_user on deals.auth_tokens (user_id);
create index ix_auth_tokens_status on deals.auth_tokens (status);
-- The live tokens of a user (listing, revoking all at logout).
create index ix_auth_tokens_user_id_active on deals.auth_tokens (user_id) where status = 'active';
-- Bulk cleanup of expired tokens walks expires_at.
create index ix_auth_tokens_expires_at on deals.auth_tokens (expires_at);

create table deals.goals (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    title varchar(255) not null,
    description text,
    category deals.marketcategory not null,
    constraints jsonb not null default '{}',
    status deals.goalstatus not null default 'active',
    priority deals.goalpriority not null default 'medium',
    start_date timestamptz not null default now(),
    end_date timestamptz,
    max_budget numeric(10, 2),
    min_discount_percent numeric(5, 2),
    target_price numeric(10, 2),
    notification_threshold numeric(5, 2),
    auto_buy_threshold numeric(5, 2),
    max_matches integer,
    max_tokens numeric(18, 8),
    total_tokens_spent numeric(18, 8) not null default 0,
    total_matches_found integer not null default 0,
    last_checked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_goals primary key (id),
    constraint fk_goals_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    constraint ck_goals_title_not_blank check (btrim(title) <> ''),
    constraint ck_goals_end_after_start check (end_date > start_date),
    constraint ck_goals_max_budget check (max_budget >= 0),
    constraint ck_goals_target_price check (target_price >= 0),
    constraint ck_goals_min_discount_percent check (min_discount_percent between 0 and 100),
    constraint ck_goals_notification_threshold check (notification_threshold between 0 and 100),
    constraint ck_goals_auto_buy_threshold check (auto_buy_threshold between 0 and 100),
    constraint ck_goals_max_matches check (max_matches > 0),
    constraint ck_goals_max_tokens check (max_tokens >= 0),
    constraint ck_goals_total_tokens_spent check (total_tokens_spent >= 0),
    constraint ck_goals_total_matches_found check (total_matches_found >= 0),
    constraint ck_goals_constraints_object check (jsonb_typeof(constraints) = 'object'),
    constraint ck_goals_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

-- Serves the user foreign key too (leading column).
create index ix_goals_user_status on deals.goals (user_id, status);
create index ix_goals_category on deals.goals (category);
create index ix_goals_priority on deals.goals (priority);
-- Goal matching: the active goals of a category whose budget a price fits.
create index ix_goals_category_max_budget_active on deals.goals (category, max_budget) where status = 'active';

create table deals.markets (
    id uuid not null default gen_random_uuid(),
    name varchar(255) not null,
    type deals.markettype not null,
    status deals.marketstatus not null default 'active',
    base_url text not null,
    api_endpoint text,
    api_key text,
    rate_limit integer,
    rate_limit_window integer,
    current_rate integer not null default 0,
    last_rate_reset timestamptz,
    error_count integer not null default 0,
    last_error_at timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_markets primary key (id),
    constraint ck_markets_name_not_blank check (btrim(name) <> ''),
    constraint ck_markets_rate_limit check (rate_limit > 0),
    constraint ck_markets_rate_limit_window check (rate_limit_window > 0),
    constraint ck_markets_current_rate check (current_rate >= 0),
    constraint ck_markets_error_count check (error_count >= 0),
    constraint ck_markets_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_markets_type_status on deals.markets (type, status);
create index ix_markets_name on deals.markets (name);

create table deals.deals (
    id uuid not null default gen_random_uuid(),
    goal_id uuid not null,
    market_id uuid not null,
    title varchar(255) not null,
    description text,
    url text not null,
    image_url text,
    current_price numeric(10, 2) not null,
    original_price numeric(10, 2),
    currency varchar(3) not null default 'USD',
    discount_percent numeric(5, 2),
    category deals.marketcategory not null,
    source deals.dealsource not null,
    status deals.dealstatus not null default 'active',
    seller_name varchar(255),
    seller_rating numeric(3, 2),
    availability_status varchar(50),
    shipping_info jsonb,
    product_specs jsonb,
    found_at timestamptz not null default now(),
    expires_at timestamptz,
    last_checked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_deals primary key (id),
    constraint fk_deals_goal_id foreign key (goal_id) references deals.goals (id) on delete cascade,
    constraint fk_deals_market_id foreign key (market_id) references deals.markets (id) on delete cascade,
    constraint ck_deals_title_not_blank check (btrim(title) <> ''),
    constraint ck_deals_current_price check (current_price >= 0),
    constraint ck_deals_original_price check (original_price >= 0),
    constraint ck_deals_currency_format check (currency ~ '^[A-Z]{3}$'),
    constraint ck_deals_discount_percent check (discount_percent between 0 and 100),
    constraint ck_deals_seller_rating check (seller_rating between 0 and 5),
    constraint ck_deals_expires_after_found check (expires_at > found_at),
    constraint ck_deals_shipping_info_object check (jsonb_typeof(shipping_info) = 'object'),
    constraint ck_deals_product_specs_object check (jsonb_typeof(product_specs) = 'object'),
    constraint ck_deals_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

-- ix_deals_goal_status and ix_deals_market_status serve the two foreign keys (leading column).
create index ix_deals_goal_status on deals.deals (goal_id, status);
create index ix_deals_market_status on deals.deals (market_id, status);
create index ix_deals_category on deals.deals (category);
create index ix_deals_source on deals.deals (source);
create index ix_deals_url on deals.deals (url);
-- Deal search: category and status by equality, a price range, keyset pages ordered by (price, id).
create index ix_deals_category_status_current_price_id on deals.deals (category, status, current_price, id);
-- Spec containment search (product_specs @> '{"brand": "..."}').
create index ix_deals_product_specs on deals.deals using gin (product_specs jsonb_path_ops);
-- Expiring stale deals: the live deals with an expiry.
create index ix_deals_expires_at_active on deals.deals (expires_at) where status = 'active' and expires_at is not null;

create table deals.price_tracking (
    id uuid not null default gen_random_uuid(),
    deal_id uuid not null,
    price numeric(10, 2) not null,
    currency varchar(3) not null default 'USD',
    source deals.dealsource not null,
    tracked_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_price_tracking primary key (id, tracked_at),
    constraint fk_price_tracking_deal_id foreign key (deal_id) references deals.deals (id) on delete cascade,
    constraint ck_price_tracking_price check (price >= 0),
    constraint ck_price_tracking_currency_format check (currency ~ '^[A-Z]{3}$'),
    constraint ck_price_tracking_meta_data_object check (jsonb_typeof(meta_data) = 'object')
) partition by range (tracked_at);

-- Serves the foreign key and a deal's price history over a time range, in order.
create index ix_price_tracking_deal on deals.price_tracking (deal_id, tracked_at);
create index ix_price_tracking_source on deals.price_tracking (source);

select core.register_partitioned_table('deals.price_tracking'::regclass, 'tracked_at', 3, null, 'detach');

create table deals.chat_messages (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    goal_id uuid,
    role deals.messagerole not null,
    content text not null,
    tokens_used integer not null default 0,
    created_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_chat_messages primary key (id),
    constraint fk_chat_messages_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    constraint fk_chat_messages_goal_id foreign key (goal_id) references deals.goals (id) on delete set null,
    constraint ck_chat_messages_tokens_used check (tokens_used >= 0),
    constraint ck_chat_messages_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

-- Both serve their foreign key and read a conversation in order.
create index ix_chat_messages_user on deals.chat_messages (user_id, created_at, id);
create index ix_chat_messages_goal on deals.chat_messages (goal_id, created_at, id);
create index ix_chat_messages_role on deals.chat_messages (role);

create table deals.notifications (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    type deals.notificationtype not null,
    priority deals.notificationpriority not null default 'medium',
    status deals.notificationstatus not null default 'pending',
    title varchar(255) not null,
    message text not null,
    goal_id uuid,
    deal_id uuid,
    action_url text,
    channels jsonb not null default '["in_app"]',
    sent_at timestamptz,
    delivered_at timestamptz,
    read_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_notifications primary key (id),
    constraint fk_notifications_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    constraint fk_notifications_goal_id foreign key (goal_id) references deals.goals (id) on delete set null,
    constraint fk_notifications_deal_id foreign key (deal_id) references deals.deals (id) on delete set null,
    constraint ck_notifications_title_not_blank check (btrim(title) <> ''),
    constraint ck_notifications_channels_array check (jsonb_typeof(channels) = 'array'),
    constraint ck_notifications_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

-- Serves the user foreign key too (leading column).
create index ix_notifications_user_status on deals.notifications (user_id, status);
create index ix_notifications_type on deals.notifications (type);
create index ix_notifications_priority on deals.notifications (priority);
create index ix_notifications_goal_id on deals.notifications (goal_id) where goal_id is not null;
create index ix_notifications_deal_id on deals.notifications (deal_id) where deal_id is not null;
-- A user's unread notifications, newest first: the inbox badge and list.
create index ix_notifications_user_id_created_at_unread on deals.notifications (user_id, created_at desc, id desc)
    where read_at is null;

create table deals.token_transactions (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    type deals.transactiontype not null,
    amount numeric(18, 8) not null,
    status deals.transactionstatus not null default 'pending',
    description text,
    goal_id uuid,
    tx_hash varchar(66),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_token_transactions primary key (id),
    constraint fk_token_transactions_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    constraint fk_token_transactions_goal_id foreign key (goal_id) references deals.goals (id) on delete set null,
    constraint ck_token_transactions_amount_positive check (amount > 0),
    constraint ck_token_transactions_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_token_transactions_user on deals.token_transactions (user_id, created_at);
create index ix_token_transactions_type on deals.token_transactions (type);
create index ix_token_transactions_status on deals.token_transactions (status);
create index ix_token_transactions_hash on deals.token_transactions (tx_hash);
create index ix_token_transactions_goal_id on deals.token_transactions (goal_id) where goal_id is not null;

create table deals.token_balance_history (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    balance_before numeric(18, 8) not null,
    balance_after numeric(18, 8) not null,
    change_amount numeric(18, 8) not null,
    change_type deals.balancechangetype not null,
    transaction_id uuid,
    created_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_token_balance_history primary key (id),
    constraint fk_token_balance_history_user_id foreign key (user_id)
        references deals.users (id) on delete cascade,
    constraint fk_token_balance_history_transaction_id foreign key (transaction_id)
        references deals.token_transactions (id) on delete set null,
    constraint ck_token_balance_history_balances check (balance_before >= 0 and balance_after >= 0),
    -- change_amount is signed: negative for a deduction.
    constraint ck_token_balance_history_arithmetic check (balance_after = balance_before + change_amount),
    constraint ck_token_balance_history_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_token_balance_history_user on deals.token_balance_history (user_id, created_at);
create index ix_token_balance_history_type on deals.token_balance_history (change_type);
create index ix_token_balance_history_transaction_id on deals.token_balance_history (transaction_id)
    where transaction_id is not null;

create table deals.model_metrics (
    id uuid not null default gen_random_uuid(),
    model_name varchar(50) not null,
    model_version varchar(50) not null,
    accuracy numeric(5, 4) not null,
    precision numeric(5, 4) not null,
    recall numeric(5, 4) not null,
    f1_score numeric(5, 4) not null,
    training_duration integer not null,
    training_samples integer not null,
    validation_samples integer not null,
    hyperparameters jsonb not null default '{}',
    feature_importance jsonb not null default '{}',
    created_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_model_metrics primary key (id),
    constraint ck_model_metrics_accuracy check (accuracy between 0 and 1),
    constraint ck_model_metrics_precision check (precision between 0 and 1),
    constraint ck_model_metrics_recall check (recall between 0 and 1),
    constraint ck_model_metrics_f1_score check (f1_score between 0 and 1),
    constraint ck_model_metrics_training_duration check (training_duration >= 0),
    constraint ck_model_metrics_samples check (training_samples >= 0 and validation_samples >= 0),
    constraint ck_model_metrics_hyperparameters_object check (jsonb_typeof(hyperparameters) = 'object'),
    constraint ck_model_metrics_feature_importance_object check (jsonb_typeof(feature_importance) = 'object'),
    constraint ck_model_metrics_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_model_metrics_name_version on deals.model_metrics (model_name, model_version);
create index ix_model_metrics_created on deals.model_metrics (created_at);
-- The latest metrics of each model.
create index ix_model_metrics_model_name_created_at on deals.model_metrics (model_name, created_at desc);

create table deals.token_pricing (
    id uuid not null default gen_random_uuid(),
    service_type varchar(50) not null,
    token_cost numeric(18, 8) not null,
    min_tokens integer not null default 1,
    max_tokens integer,
    valid_from timestamptz not null default now(),
    valid_to timestamptz,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_token_pricing primary key (id),
    constraint ck_token_pricing_service_type_not_blank check (btrim(service_type) <> ''),
    constraint ck_token_pricing_token_cost check (token_cost >= 0),
    constraint ck_token_pricing_min_tokens check (min_tokens >= 0),
    constraint ck_token_pricing_max_tokens check (max_tokens >= min_tokens),
    constraint ck_token_pricing_valid_to_after_valid_from check (valid_to > valid_from),
    constraint ck_token_pricing_meta_data_object check (jsonb_typeof(meta_data) = 'object'),
    -- Two active prices of one service may not be valid at the same instant (windows are [from, to)).
    constraint ex_token_pricing_service_type_validity exclude using gist (
        deals.textrange(service_type, service_type, '[]') with &&,
        tstzrange(valid_from, valid_to, '[)') with &&
    ) where (is_active)
);

create index ix_token_pricing_service on deals.token_pricing (service_type);
create index ix_token_pricing_active on deals.token_pricing (is_active);
create index ix_token_pricing_validity on deals.token_pricing (valid_from, valid_to);

create table deals.deal_scores (
    id uuid not null default gen_random_uuid(),
    deal_id uuid not null,
    score_type deals.scoretype not null,
    value numeric(5, 2) not null,
    confidence numeric(5, 2) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_deal_scores primary key (id),
    constraint fk_deal_scores_deal_id foreign key (deal_id) references deals.deals (id) on delete cascade,
    constraint ck_deal_scores_value check (value between 0 and 100),
    constraint ck_deal_scores_confidence check (confidence between 0 and 100),
    constraint ck_deal_scores_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_deal_scores_deal_id on deals.deal_scores (deal_id);
create index ix_deal_scores_score_type on deals.deal_scores (score_type);
create index ix_deal_scores_created_at on deals.deal_scores (created_at);

create table deals.agents (
    id uuid not null default gen_random_uuid(),
    name varchar(255) not null,
    type deals.agenttype not null,
    status deals.agentstatus not null default 'active',
    capabilities text[] not null default '{}',
    config jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_agents primary key (id),
    constraint ck_agents_name_not_blank check (btrim(name) <> ''),
    constraint ck_agents_config_object check (jsonb_typeof(config) = 'object')
);

create index ix_agents_type on deals.agents (type);
create index ix_agents_status on deals.agents (status);

create table deals.tasks (
    id uuid not null default gen_random_uuid(),
    goal_id uuid not null,
    agent_id uuid,
    title varchar(255) not null,
    description text,
    status deals.taskstatus not null default 'pending',
    priority integer not null default 3,
    due_date timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_tasks primary key (id),
    constraint fk_tasks_goal_id foreign key (goal_id) references deals.goals (id) on delete cascade,
    constraint fk_tasks_agent_id foreign key (agent_id) references deals.agents (id) on delete set null,
    constraint ck_tasks_title_not_blank check (btrim(title) <> ''),
    -- 1 is the highest priority.
    constraint ck_tasks_priority check (priority between 1 and 5),
    constraint ck_tasks_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_tasks_goal_id on deals.tasks (goal_id);
create index ix_tasks_agent_id on deals.tasks (agent_id);
create index ix_tasks_status on deals.tasks (status);
create index ix_tasks_priority on deals.tasks (priority);
create index ix_tasks_due_date on deals.tasks (due_date);

create table deals.deal_activities (
    id uuid not null default gen_random_uuid(),
    deal_id uuid not null,
    user_id uuid,
    agent_id uuid,
    activity_type deals.dealactivitytype not null,
    description text,
    created_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_deal_activities primary key (id),
    constraint fk_deal_activities_deal_id foreign key (deal_id) references deals.deals (id) on delete cascade,
    constraint fk_deal_activities_user_id foreign key (user_id) references deals.users (id) on delete set null,
    constraint fk_deal_activities_agent_id foreign key (agent_id) references deals.agents (id) on delete set null,
    constraint ck_deal_activities_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_deal_activities_deal_id on deals.deal_activities (deal_id, created_at);
create index ix_deal_activities_user_id on deals.deal_activities (user_id);
create index ix_deal_activities_agent_id on deals.deal_activities (agent_id);
create index ix_deal_activities_activity_type on deals.deal_activities (activity_type);
create index ix_deal_activities_created_at on deals.deal_activities (created_at);

create table deals.task_activities (
    id uuid not null default gen_random_uuid(),
    task_id uuid not null,
    agent_id uuid,
    activity_type deals.taskactivitytype not null,
    description text,
    created_at timestamptz not null default now(),
    meta_data jsonb not null default '{}',
    constraint pk_task_activities primary key (id),
    constraint fk_task_activities_task_id foreign key (task_id) references deals.tasks (id) on delete cascade,
    constraint fk_task_activities_agent_id foreign key (agent_id) references deals.agents (id) on delete set null,
    constraint ck_task_activities_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_task_activities_task_id on deals.task_activities (task_id, created_at);
create index ix_task_activities_agent_id on deals.task_activities (agent_id);
create index ix_task_activities_activity_type on deals.task_activities (activity_type);
create index ix_task_activities_created_at on deals.task_activities (created_at);

create table deals.user_settings (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    notification_preferences jsonb not null default '{}',
    ui_preferences jsonb not null default '{}',
    agent_preferences jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_user_settings primary key (id),
    constraint fk_user_settings_user_id foreign key (user_id) references deals.users (id) on delete cascade,
    -- One settings row per user; also the index for the foreign key.
    constraint uq_user_settings_user_id unique (user_id),
    constraint ck_user_settings_notification_preferences_object
        check (jsonb_typeof(notification_preferences) = 'object'),
    constraint ck_user_settings_ui_preferences_object check (jsonb_typeof(ui_preferences) = 'object'),
    constraint ck_user_settings_agent_preferences_object check (jsonb_typeof(agent_preferences) = 'object')
);

create table deals.market_data (
    id uuid not null default gen_random_uuid(),
    symbol varchar(50) not null,
    market_type deals.marketdatatype not null,
    price numeric(20, 8) not null,
    high_24h numeric(20, 8),
    low_24h numeric(20, 8),
    volume_24h numeric(28, 8),
    change_24h numeric(20, 8),
    change_percent_24h numeric(10, 4),
    last_updated timestamptz not null default now(),
    source varchar(50) not null,
    meta_data jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_market_data primary key (id),
    -- Also serves lookups by symbol (leading column).
    constraint uq_market_data_symbol_source unique (symbol, source),
    constraint ck_market_data_symbol_not_blank check (btrim(symbol) <> ''),
    constraint ck_market_data_source_not_blank check (btrim(source) <> ''),
    constraint ck_market_data_price check (price >= 0),
    constraint ck_market_data_high_low check (high_24h >= low_24h),
    constraint ck_market_data_low_24h check (low_24h >= 0),
    constraint ck_market_data_volume_24h check (volume_24h >= 0),
    constraint ck_market_data_meta_data_object check (jsonb_typeof(meta_data) = 'object')
);

create index ix_market_data_market_type on deals.market_data (market_type);
create index ix_market_data_last_updated on deals.market_data (last_updated);

-- updated_at, everywhere the column exists.
create trigger tg_users_updated_at before update on deals.users
    for each row execute function core.set_updated_at();
create trigger tg_auth_tokens_updated_at before update on deals.auth_tokens
    for each row execute function core.set_updated_at();
create trigger tg_goals_updated_at before update on deals.goals
    for each row execute function core.set_updated_at();
create trigger tg_markets_updated_at before update on deals.markets
    for each row execute function core.set_updated_at();
create trigger tg_deals_updated_at before update on deals.deals
    for each row execute function core.set_updated_at();
create trigger tg_notifications_updated_at before update on deals.notifications
    for each row execute function core.set_updated_at();
create trigger tg_token_transactions_updated_at before update on deals.token_transactions
    for each row execute function core.set_updated_at();
create trigger tg_token_pricing_updated_at before update on deals.token_pricing
    for each row execute function core.set_updated_at();
create trigger tg_deal_scores_updated_at before update on deals.deal_scores
    for each row execute function core.set_updated_at();
create trigger tg_agents_updated_at before update on deals.agents
    for each row execute function core.set_updated_at();
create trigger tg_tasks_updated_at before update on deals.tasks
    for each row execute function core.set_updated_at();
create trigger tg_user_settings_updated_at before update on deals.user_settings
    for each row execute function core.set_updated_at();
create trigger tg_market_data_updated_at before update on deals.market_data
    for each row execute function core.set_updated_at();
