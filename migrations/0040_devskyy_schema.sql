-- depends: 0002_core_partitions
--
-- devskyy: the data layer of the DevSkyy platform (seed 001): accounts, a product catalogue and its
-- orders, LLM round-table results, agent and tool execution audit logs, and RAG document chunks.
--
-- Choices where the seed is silent or contradicts itself, and why:
-- * Every status or category list of the seed is an enum type. users.role had only a default
--   ('customer'); its values are customer, staff, admin.
-- * Columns with a default are NOT NULL (is_active, role, status, metadata, inventory_quantity): a
--   default the application can overwrite with NULL is no default. products.tags is text[] NOT NULL
--   DEFAULT '{}' so tag filters never meet NULL.
-- * users.email is stored lowercased (ck_users_email_lowercase): "get by email" must not depend on
--   how the user typed it. password_hash holds an Argon2id hash and is read by one query only.
-- * Orders: the seed keeps items in orders.metadata. Items are rows of order_items (product,
--   quantity, unit price captured at purchase); metadata keeps shipping and payment. subtotal is the
--   sum of the items (a deferred constraint trigger, ck_orders_subtotal_matches_items, since no CHECK
--   sees other rows) and total_price >= subtotal (taxes, shipping). Placing an order (0041) takes the
--   stock in the same statement; a completed or cancelled order never changes status again and
--   cancelling gives the stock back.
-- * order_number is ORD- and 8 upper-case hex digits, made by the database from a sequence passed
--   through a bijective 32-bit mix (devskyy.next_order_number): unique for the first 2^32 orders by
--   construction, so nobody retries on a collision. The seed's uuid4().hex[:8] collides once a shop
--   has ~80k orders (birthday bound of 2^32).
-- * A deleted user's orders stay (they are the shop's financial records) and become guest orders:
--   fk_orders_user_id is ON DELETE SET NULL; tool executions keep their audit row the same way.
--   order_items carry no user id: they belong to their order (order_items -> orders.user_id is the
--   chain tenant isolation follows), and an item never moves between orders.
-- * agent_executions gains updated_at and completed_at (it is updated when it completes); its
--   status moves running -> completed | failed and never back (0041).
-- * agent_executions and tool_executions are append-heavy audit logs, RANGE-partitioned by month on
--   created_at under core's partition maintenance. A partitioned table can only enforce a unique key
--   that includes the partition key, so the seed's unique execution_id is enforced by a keyed side
--   table, agent_execution_ids (execution_id primary key, created_at): every execution row must
--   reference its key row by (execution_id, created_at), and (execution_id, created_at) is unique on
--   the log, so one execution_id names at most one execution. The key row also tells a lookup by
--   execution_id which partition to read. tool_executions.correlation_id is not unique in the seed
--   (a trace has many tool calls): an index (correlation_id, created_at) serves the trace.
-- * rag_documents rows are chunks: document_id is '{doc}-chunk-{n}' (ck_rag_documents_document_id)
--   and the new parent_doc_id column names {doc}, so a document's chunks are found and replaced by
--   an index instead of a metadata lookup. chunk_index and total_chunks are therefore NOT NULL.
--   search_vector is a generated tsvector (english) with a GIN index for ranked full-text search.
-- * The embedding column (vector(384), all-MiniLM-L6-v2) and its HNSW cosine index exist only where
--   the server has pgvector (the embedded PostgreSQL 16 has it, the machine's PostgreSQL 15 does
--   not); the extension goes into schema core. Everything else is the same on every server.
-- * GIN indexes on products.tags and on the jsonb the queries filter by containment
--   (products.metadata); the seed's single-column indexes on status/role/name columns become
--   composite indexes led by that column, shaped like the queries that use them.

create schema devskyy;

create type devskyy.user_role as enum ('customer', 'staff', 'admin');
create type devskyy.product_status as enum ('draft', 'published', 'archived');
create type devskyy.order_status as enum ('pending', 'processing', 'completed', 'cancelled');
create type devskyy.task_category as enum ('reasoning', 'creative', 'classification', 'qa', 'code');
create type devskyy.agent_execution_status as enum ('running', 'completed', 'failed');
create type devskyy.tool_execution_status as enum ('success', 'failed', 'timeout');

create table devskyy.users (
    id uuid not null default gen_random_uuid(),
    email varchar(255) not null,
    username varchar(100) not null,
    password_hash varchar(255) not null,
    full_name varchar(255),
    role devskyy.user_role not null default 'customer',
    is_active boolean not null default true,
    is_verified boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_login timestamptz,
    metadata jsonb not null default '{}',
    constraint pk_users primary key (id),
    constraint uq_users_email unique (email),
    constraint uq_users_username unique (username),
    constraint ck_users_email_format check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    constraint ck_users_email_lowercase check (email = lower(email)),
    constraint ck_users_username_not_blank check (btrim(username) <> ''),
    constraint ck_users_password_hash_not_blank check (password_hash <> ''),
    constraint ck_users_metadata_object check (jsonb_typeof(metadata) = 'object')
);

create index ix_users_role on devskyy.users (role);
-- Active users, oldest first, paged by keyset.
create index ix_users_created_at_id_active on devskyy.users (created_at, id) where is_active;

create table devskyy.products (
    id uuid not null default gen_random_uuid(),
    sku varchar(100) not null,
    name varchar(500) not null,
    description text,
    category varchar(100),
    price numeric(10, 2) not null,
    inventory_quantity integer not null default 0,
    status devskyy.product_status not null default 'draft',
    tags text[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_products primary key (id),
    constraint uq_products_sku unique (sku),
    constraint ck_products_sku_not_blank check (btrim(sku) <> ''),
    constraint ck_products_name_not_blank check (btrim(name) <> ''),
    constraint ck_products_price check (price >= 0),
    constraint ck_products_inventory_quantity check (inventory_quantity >= 0),
    constraint ck_products_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- The seed's status index, widened to the catalogue search: status, category, price range, keyset.
create index ix_products_status_category_price on devskyy.products (status, category, price, id);
-- The cheapest products of a status: tag and metadata searches walk it and filter, when the tag or
-- spec is common enough that reading its GIN posting list and sorting would cost more.
create index ix_products_status_price on devskyy.products (status, price, id);
create index ix_products_tags on devskyy.products using gin (tags);
create index ix_products_metadata on devskyy.products using gin (metadata jsonb_path_ops);

create sequence devskyy.order_number_seq as bigint minvalue 0 maxvalue 4294967295 start 0 no cycle;

-- 'ORD-' + 8 upper-case hex digits of a sequence value passed through a bijective 32-bit mix
-- (xor-shift and odd multiplications modulo 2^32 are each invertible): distinct inputs give distinct
-- numbers, and consecutive orders do not get consecutive numbers.
create function devskyy.order_number(p_n bigint)
returns text
language sql
immutable
strict
parallel safe
as $$
    select 'ORD-' || upper(lpad(to_hex(x3 # (x3 >> 16)), 8, '0'))
    from (select ((x2 # (x2 >> 16)) * 73244475) % 4294967296 as x3
          from (select ((x1 # (x1 >> 16)) * 73244475) % 4294967296 as x2
                from (select p_n % 4294967296 as x1) as a) as b) as c
$$;

create function devskyy.next_order_number()
returns text
language sql
volatile
as $$
    select devskyy.order_number(nextval('devskyy.order_number_seq'))
$$;

create table devskyy.orders (
    id uuid not null default gen_random_uuid(),
    order_number varchar(50) not null default devskyy.next_order_number(),
    user_id uuid,
    status devskyy.order_status not null default 'pending',
    total_price numeric(10, 2) not null,
    subtotal numeric(10, 2) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_orders primary key (id),
    constraint uq_orders_order_number unique (order_number),
    constraint fk_orders_user_id foreign key (user_id) references devskyy.users (id) on delete set null,
    constraint ck_orders_order_number_format check (order_number ~ '^ORD-[0-9A-F]{8}$'),
    constraint ck_orders_subtotal check (subtotal >= 0),
    constraint ck_orders_total_price_covers_subtotal check (total_price >= subtotal),
    constraint ck_orders_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- Serves the user foreign key and a user's orders, newest first.
create index ix_orders_user_id_created_at on devskyy.orders (user_id, created_at desc, id desc);
create index ix_orders_status_created_at on devskyy.orders (status, created_at);

create table devskyy.order_items (
    id uuid not null default gen_random_uuid(),
    order_id uuid not null,
    product_id uuid not null,
    quantity integer not null,
    unit_price numeric(10, 2) not null,
    created_at timestamptz not null default now(),
    constraint pk_order_items primary key (id),
    constraint fk_order_items_order_id foreign key (order_id) references devskyy.orders (id) on delete cascade,
    -- A product that was sold stays: archive it instead.
    constraint fk_order_items_product_id foreign key (product_id)
        references devskyy.products (id) on delete restrict,
    -- Also the index of the order foreign key and of reading an order's items.
    constraint uq_order_items_order_id_product_id unique (order_id, product_id),
    constraint ck_order_items_quantity_positive check (quantity > 0),
    constraint ck_order_items_unit_price check (unit_price >= 0)
);

create index ix_order_items_product_id on devskyy.order_items (product_id);

create table devskyy.llm_round_table_results (
    id uuid not null default gen_random_uuid(),
    result_id varchar(100) not null,
    prompt text not null,
    task_category devskyy.task_category,
    winner_provider varchar(50),
    winner_response text,
    participants jsonb not null,
    created_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_llm_round_table_results primary key (id),
    constraint uq_llm_round_table_results_result_id unique (result_id),
    constraint ck_llm_round_table_results_participants_array check (jsonb_typeof(participants) = 'array'),
    constraint ck_llm_round_table_results_winner check (winner_response is null or winner_provider is not null),
    constraint ck_llm_round_table_results_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- The seed's task_category index; statistics group by category and winner over a time range.
create index ix_llm_round_table_results_task_category_created_at
    on devskyy.llm_round_table_results (task_category, created_at);
create index ix_llm_round_table_results_created_at on devskyy.llm_round_table_results (created_at);

create table devskyy.agent_execution_ids (
    execution_id varchar(100) not null,
    created_at timestamptz not null,
    constraint pk_agent_execution_ids primary key (execution_id),
    -- What the log's composite foreign key references (the primary key already makes it unique).
    constraint uq_agent_execution_ids_execution_id_created_at unique (execution_id, created_at),
    constraint ck_agent_execution_ids_execution_id_not_blank check (btrim(execution_id) <> '')
);

comment on table devskyy.agent_execution_ids is
    'The unique execution_id of devskyy.agent_executions (a partitioned table cannot enforce it) and its partition key.';

create table devskyy.agent_executions (
    id uuid not null default gen_random_uuid(),
    execution_id varchar(100) not null,
    agent_name varchar(100) not null,
    prompt text not null,
    status devskyy.agent_execution_status not null default 'running',
    result jsonb,
    tokens_used integer,
    duration_ms integer,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    completed_at timestamptz,
    metadata jsonb not null default '{}',
    constraint pk_agent_executions primary key (id, created_at),
    constraint uq_agent_executions_execution_id_created_at unique (execution_id, created_at),
    constraint fk_agent_executions_execution_id foreign key (execution_id, created_at)
        references devskyy.agent_execution_ids (execution_id, created_at) on delete restrict,
    constraint ck_agent_executions_agent_name_not_blank check (btrim(agent_name) <> ''),
    constraint ck_agent_executions_tokens_used check (tokens_used >= 0),
    constraint ck_agent_executions_duration_ms check (duration_ms >= 0),
    -- Finished exactly when completed_at is set, and not before it started.
    constraint ck_agent_executions_completed_at check ((status = 'running') = (completed_at is null)),
    constraint ck_agent_executions_completed_after_created check (completed_at >= created_at),
    constraint ck_agent_executions_metadata_object check (jsonb_typeof(metadata) = 'object')
) partition by range (created_at);

-- The seed's agent_name index: statistics per agent over a time range.
create index ix_agent_executions_agent_name_created_at on devskyy.agent_executions (agent_name, created_at);
create index ix_agent_executions_status_created_at on devskyy.agent_executions (status, created_at);
-- Statistics over a time range read only that range of each pruned partition.
create index ix_agent_executions_created_at on devskyy.agent_executions (created_at);

create table devskyy.tool_executions (
    id uuid not null default gen_random_uuid(),
    correlation_id varchar(64) not null,
    tool_name varchar(128) not null,
    agent_id varchar(100),
    user_id uuid,
    inputs jsonb not null,
    output jsonb,
    status devskyy.tool_execution_status not null,
    duration_ms integer,
    error_message text,
    created_at timestamptz not null default now(),
    metadata jsonb not null default '{}',
    constraint pk_tool_executions primary key (id, created_at),
    constraint fk_tool_executions_user_id foreign key (user_id) references devskyy.users (id) on delete set null,
    constraint ck_tool_executions_correlation_id_not_blank check (btrim(correlation_id) <> ''),
    constraint ck_tool_executions_tool_name_not_blank check (btrim(tool_name) <> ''),
    constraint ck_tool_executions_duration_ms check (duration_ms >= 0),
    constraint ck_tool_executions_metadata_object check (jsonb_typeof(metadata) = 'object')
) partition by range (created_at);

create index ix_tool_executions_correlation_id_created_at on devskyy.tool_executions (correlation_id, created_at);
-- The seed's tool_name and status indexes: a tool's runs and its failures over a time range.
create index ix_tool_executions_tool_name_created_at on devskyy.tool_executions (tool_name, created_at);
create index ix_tool_executions_tool_name_created_at_failed on devskyy.tool_executions (tool_name, created_at)
    where status <> 'success';
create index ix_tool_executions_status_created_at on devskyy.tool_executions (status, created_at);
-- The user foreign key (ON DELETE SET NULL finds the rows by it).
create index ix_tool_executions_user_id on devskyy.tool_executions (user_id) where user_id is not null;

create table devskyy.rag_documents (
    id uuid not null default gen_random_uuid(),
    document_id varchar(100) not null,
    parent_doc_id varchar(100) not null,
    source_path varchar(500),
    content text not null,
    content_hash varchar(64) not null,
    chunk_index integer not null,
    total_chunks integer not null,
    embedding_model varchar(100),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search_vector tsvector not null generated always as (to_tsvector('english'::regconfig, content)) stored,
    constraint pk_rag_documents primary key (id),
    constraint uq_rag_documents_document_id unique (document_id),
    constraint ck_rag_documents_document_id check (document_id = parent_doc_id || '-chunk-' || chunk_index),
    constraint ck_rag_documents_parent_doc_id_not_blank check (btrim(parent_doc_id) <> ''),
    constraint ck_rag_documents_chunk_index check (chunk_index >= 0 and chunk_index < total_chunks),
    constraint ck_rag_documents_content_hash_sha256 check (content_hash ~ '^[0-9a-f]{64}$'),
    constraint ck_rag_documents_metadata_object check (jsonb_typeof(metadata) = 'object')
);

-- A document's chunks in order (ingest, replace, read).
create index ix_rag_documents_parent_doc_id_chunk_index on devskyy.rag_documents (parent_doc_id, chunk_index);
-- The seed's source_path and content_hash indexes: dedupe by hash per source.
create index ix_rag_documents_source_path_content_hash on devskyy.rag_documents (source_path, content_hash);
create index ix_rag_documents_content_hash on devskyy.rag_documents (content_hash);
create index ix_rag_documents_search_vector on devskyy.rag_documents using gin (search_vector);

-- pgvector where the server has it: the extension in core, the embedding column and its HNSW index.
do $$
begin
    if exists (select 1 from pg_available_extensions where name = 'vector') then
        create extension if not exists vector with schema core;
    end if;
    if to_regtype('core.vector') is not null then
        alter table devskyy.rag_documents add column embedding core.vector(384);
        create index ix_rag_documents_embedding on devskyy.rag_documents
            using hnsw (embedding core.vector_cosine_ops);
    end if;
end;
$$;

create trigger tg_users_updated_at before update on devskyy.users
    for each row execute function core.set_updated_at();
create trigger tg_products_updated_at before update on devskyy.products
    for each row execute function core.set_updated_at();
create trigger tg_orders_updated_at before update on devskyy.orders
    for each row execute function core.set_updated_at();
create trigger tg_agent_executions_updated_at before update on devskyy.agent_executions
    for each row execute function core.set_updated_at();
create trigger tg_rag_documents_updated_at before update on devskyy.rag_documents
    for each row execute function core.set_updated_at();

select core.register_partitioned_table('devskyy.agent_executions'::regclass, 'created_at', 3, null, 'detach');
select core.register_partitioned_table('devskyy.tool_executions'::regclass, 'created_at', 3, null, 'detach');
