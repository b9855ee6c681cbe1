CREATE SCHEMA agent_hub;

CREATE SCHEMA core;

CREATE TYPE agent_hub.event_author AS ENUM (
    'user',
    'agent',
    'system'
);

CREATE FUNCTION core.partition_bound_literal(boundary timestamp without time zone, control_type regtype) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    select case
        when control_type = 'timestamptz'::regtype then to_char(boundary, 'YYYY-MM-DD HH24:MI:SS') || '+00'
        when control_type = 'date'::regtype then to_char(boundary, 'YYYY-MM-DD')
        else to_char(boundary, 'YYYY-MM-DD HH24:MI:SS')
    end
$$;

CREATE FUNCTION core.partition_bounds(p_partition regclass, control_type regtype, OUT lower_bound timestamp without time zone, OUT upper_bound timestamp without time zone) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $_$
declare
    m text[];
begin
    m := regexp_match(
        pg_get_expr((select c.relpartbound from pg_class c where c.oid = p_partition), p_partition),
        '^FOR VALUES FROM \(''([^'']*)''\) TO \(''([^'']*)''\)$'
    );
    if m is null then
        return;
    end if;
    if control_type = 'timestamptz'::regtype then
        lower_bound := m[1]::timestamptz at time zone 'UTC';
        upper_bound := m[2]::timestamptz at time zone 'UTC';
    else
        lower_bound := m[1]::timestamp;
        upper_bound := m[2]::timestamp;
    end if;
end;
$_$;

CREATE FUNCTION core.partition_status() RETURNS TABLE(parent_table text, partition_name text, is_default boolean, lower_bound timestamp without time zone, upper_bound timestamp without time zone, row_count bigint)
    LANGUAGE plpgsql STABLE
    AS $$
declare
    cfg core.partitioned_tables;
    v_parent regclass;
    v_type regtype;
    p record;
    v_rows bigint;
begin
    for cfg in select t.* from core.partitioned_tables t order by t.parent_table loop
        v_parent := to_regclass(cfg.parent_table);
        continue when v_parent is null;
        select a.atttypid::regtype into v_type
        from pg_attribute a
        where a.attrelid = v_parent and a.attname = cfg.control_column and not a.attisdropped;
        for p in
            select i.inhrelid::regclass as partition, c.relname::text as name,
                   pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' as is_default, b.lower_bound, b.upper_bound
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid,
            core.partition_bounds(i.inhrelid::regclass, v_type) b
            where i.inhparent = v_parent
            order by 3, b.lower_bound, c.relname
        loop
            execute format('select count(*) from %s', p.partition) into v_rows;
            return query select cfg.parent_table, p.name, p.is_default, p.lower_bound, p.upper_bound, v_rows;
        end loop;
    end loop;
end;
$$;

COMMENT ON FUNCTION core.partition_status() IS 'Every partition of every registered table with its UTC bounds and exact row count; the default last.';

CREATE FUNCTION core.register_partitioned_table(parent regclass, control_column text, premake integer DEFAULT 3, retention interval DEFAULT NULL::interval, retention_mode text DEFAULT 'detach'::text) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
    v_name text;
    v_strategy "char";
    v_key int2vector;
    v_attnum int2;
    v_type regtype;
begin
    select format('%I.%I', n.nspname, c.relname), pt.partstrat, pt.partattrs
    into v_name, v_strategy, v_key
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_partitioned_table pt on pt.partrelid = c.oid
    where c.oid = parent;
    select a.attnum, a.atttypid::regtype into v_attnum, v_type
    from pg_attribute a
    where a.attrelid = parent and a.attname = control_column and not a.attisdropped;
    if v_strategy is distinct from 'r' then
        raise exception '% is not a RANGE-partitioned table', parent using errcode = 'invalid_parameter_value';
    end if;
    if v_attnum is null or array_length(v_key::int2[], 1) <> 1 or v_key[0] <> v_attnum then
        raise exception '% is not partitioned by exactly its column %', parent, quote_ident(control_column)
            using errcode = 'invalid_parameter_value';
    end if;
    if v_type not in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) then
        raise exception 'control column %.% is %, expected timestamptz, timestamp or date', parent, control_column, v_type
            using errcode = 'invalid_parameter_value';
    end if;
    insert into core.partitioned_tables as t (parent_table, control_column, premake, retention, retention_mode)
    values (v_name, control_column, premake, retention, retention_mode)
    on conflict on constraint pk_partitioned_tables do update
    set control_column = excluded.control_column,
        premake = excluded.premake,
        retention = excluded.retention,
        retention_mode = excluded.retention_mode;
    perform core.run_partition_maintenance(parent);
end;
$$;

COMMENT ON FUNCTION core.register_partitioned_table(parent regclass, control_column text, premake integer, retention interval, retention_mode text) IS 'Puts a RANGE-partitioned table under maintenance (default partition, premake, retention) and runs it once.';

CREATE FUNCTION core.run_partition_maintenance(p_parent regclass DEFAULT NULL::regclass) RETURNS TABLE(parent_table text, action text, partition_name text, row_count bigint)
    LANGUAGE plpgsql
    AS $$
declare
    cfg core.partitioned_tables;
    v_parent regclass;
    v_schema name;
    v_relname name;
    v_type regtype;
    v_unit text;
    v_default regclass;
    v_default_name text;
    v_now timestamp;
    v_cutoff timestamp;
    v_column_utc text;
    v_columns text;
    v_periods timestamp[];
    v_in_default timestamp[];
    v_with_rows timestamp[] := '{}';
    v_start timestamp;
    v_name text;
    v_suffix text;
    v_moved bigint;
    v_old record;
begin
    for cfg in
        select t.* from core.partitioned_tables t
        where p_parent is null or t.parent_table = (
            select format('%I.%I', n.nspname, c.relname)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.oid = p_parent
        )
        order by t.parent_table
    loop
        v_parent := to_regclass(cfg.parent_table);
        if v_parent is null then
            return query select cfg.parent_table, 'missing'::text, null::text, null::bigint;
            continue;
        end if;
        -- One maintainer per table at a time; released at commit.
        perform pg_advisory_xact_lock(1936289904, hashtext(cfg.parent_table));

        select n.nspname, c.relname into v_schema, v_relname
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.oid = v_parent;
        select a.atttypid::regtype into v_type
        from pg_attribute a
        where a.attrelid = v_parent and a.attname = cfg.control_column and not a.attisdropped;
        v_unit := case when cfg.partition_interval = interval '1 day' then 'day' else 'month' end;
        v_now := date_trunc(v_unit, now() at time zone 'UTC');
        v_cutoff := (now() at time zone 'UTC') - cfg.retention;
        v_column_utc := case
            when v_type = 'timestamptz'::regtype then format('(%I at time zone ''UTC'')', cfg.control_column)
            else format('%I::timestamp', cfg.control_column)
        end;
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
        from pg_attribute a
        where a.attrelid = v_parent and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';

        -- The DEFAULT partition: every row has a home.
        select i.inhrelid::regclass into v_default
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = v_parent and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
        if v_default is null then
            v_default_name := left(v_relname, 63 - length('_default')) || '_default';
            execute format('create table %I.%I partition of %s default', v_schema, v_default_name, v_parent);
            v_default := format('%I.%I', v_schema, v_default_name)::regclass;
            return query select cfg.parent_table, 'created default'::text, v_default_name, null::bigint;
        end if;

        -- Periods wanted: now .. now + premake, and every period some row in the default falls in;
        -- minus those already expired and those an existing partition overlaps.
        execute format(
            'select coalesce(array_agg(distinct date_trunc(%L, %s)), ''{}'') from %s where %I is not null',
            v_unit, v_column_utc, v_default, cfg.control_column
        ) into v_in_default;
        select coalesce(array_agg(w.s order by w.s), '{}') into v_periods
        from (
            select generate_series(v_now, v_now + cfg.partition_interval * cfg.premake, cfg.partition_interval) as s
            union
            select unnest(v_in_default)
        ) w
        where (cfg.retention is null or w.s + cfg.partition_interval > v_cutoff)
          and not exists (
              select 1
              from pg_inherits i, core.partition_bounds(i.inhrelid::regclass, v_type) b
              where i.inhparent = v_parent
                and b.lower_bound < w.s + cfg.partition_interval
                and b.upper_bound > w.s
          );

        if cardinality(v_periods) > 0 then
            -- Creating a partition next to a default scans the default under this lock anyway; taking
            -- it first means no row can slip into the default between the check and the move.
            execute format('lock table %s in access exclusive mode', v_parent);
            v_with_rows := '{}';
            foreach v_start in array v_periods loop
                if v_start = any (v_in_default) then
                    v_with_rows := v_with_rows || v_start;
                end if;
            end loop;
            if cardinality(v_with_rows) > 0 then
                execute format('alter table %s detach partition %s', v_parent, v_default);
            end if;
            foreach v_start in array v_periods loop
                v_suffix := '_p' || to_char(v_start, case v_unit when 'day' then 'YYYY_MM_DD' else 'YYYY_MM' end);
                v_name := left(v_relname, 63 - length(v_suffix)) || v_suffix;
                execute format(
                    'create table %I.%I partition of %s for values from (%L) to (%L)',
                    v_schema, v_name, v_parent,
                    core.partition_bound_literal(v_start, v_type),
                    core.partition_bound_literal(v_start + cfg.partition_interval, v_type)
                );
                return query select cfg.parent_table, 'created'::text, v_name, null::bigint;
                if v_start = any (v_with_rows) then
                    execute format(
                        'with moved as (delete from %s where %s >= %L and %s < %L returning %s) '
                        'insert into %I.%I (%s) select %s from moved',
                        v_default, v_column_utc, v_start, v_column_utc, v_start + cfg.partition_interval,
                        v_columns, v_schema, v_name, v_columns, v_columns
                    );
                    get diagnostics v_moved = row_count;
                    return query select cfg.parent_table, 'moved'::text, v_name, v_moved;
                end if;
            end loop;
            if cardinality(v_with_rows) > 0 then
                execute format('alter table %s attach partition %s default', v_parent, v_default);
            end if;
        end if;

        -- Retention: partitions wholly older than now() - retention.
        if cfg.retention is not null then
            for v_old in
                select i.inhrelid::regclass as partition, c.relname
                from pg_inherits i
                join pg_class c on c.oid = i.inhrelid,
                core.partition_bounds(i.inhrelid::regclass, v_type) b
                where i.inhparent = v_parent and b.upper_bound <= v_cutoff
                order by b.lower_bound
            loop
                if cfg.retention_mode = 'drop' then
                    execute format('drop table %s', v_old.partition);
                    return query select cfg.parent_table, 'dropped'::text, v_old.relname::text, null::bigint;
                else
                    execute format('alter table %s detach partition %s', v_parent, v_old.partition);
                    return query select cfg.parent_table, 'detached'::text, v_old.relname::text, null::bigint;
                end if;
            end loop;
        end if;
    end loop;
end;
$$;

COMMENT ON FUNCTION core.run_partition_maintenance(p_parent regclass) IS 'Creates default and premade partitions, moves rows out of the default, applies retention; returns what it did.';

CREATE FUNCTION core.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    new.updated_at := now();
    return new;
end;
$$;

COMMENT ON FUNCTION core.set_updated_at() IS 'BEFORE UPDATE trigger: stamps updated_at with the transaction time.';

CREATE FUNCTION core.unregister_partitioned_table(parent regclass) RETURNS boolean
    LANGUAGE sql
    AS $$
    with gone as (
        delete from core.partitioned_tables t
        where t.parent_table = (
            select format('%I.%I', n.nspname, c.relname)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.oid = parent
        )
        returning 1
    )
    select exists (select 1 from gone)
$$;

COMMENT ON FUNCTION core.unregister_partitioned_table(parent regclass) IS 'Takes a table out of partition maintenance (call it in the rollback that drops the table).';

CREATE TABLE agent_hub.agents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(100) NOT NULL,
    display_name character varying(200) NOT NULL,
    description text,
    owner_id uuid NOT NULL,
    definition jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    is_public boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_agents_definition_object CHECK ((jsonb_typeof(definition) = 'object'::text)),
    CONSTRAINT ck_agents_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_agents_name_not_blank CHECK ((btrim((name)::text) <> ''::text))
);

CREATE TABLE agent_hub.events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    session_id uuid NOT NULL,
    author agent_hub.event_author NOT NULL,
    content text DEFAULT ''::text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    partial boolean DEFAULT false NOT NULL,
    turn_complete boolean DEFAULT true NOT NULL,
    sequence_number integer NOT NULL,
    error_code character varying(50),
    error_message text,
    "timestamp" timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_events_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_events_sequence_number_positive CHECK ((sequence_number > 0))
);

CREATE TABLE agent_hub.marketplace_entries (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agent_id uuid NOT NULL,
    category character varying(100) NOT NULL,
    tags jsonb DEFAULT '[]'::jsonb NOT NULL,
    rating double precision,
    rating_count integer DEFAULT 0 NOT NULL,
    download_count integer DEFAULT 0 NOT NULL,
    changelog text,
    published_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_marketplace_entries_category_not_blank CHECK ((btrim((category)::text) <> ''::text)),
    CONSTRAINT ck_marketplace_entries_download_count CHECK ((download_count >= 0)),
    CONSTRAINT ck_marketplace_entries_rating_count CHECK ((rating_count >= 0)),
    CONSTRAINT ck_marketplace_entries_rating_present CHECK (((rating IS NULL) = (rating_count = 0))),
    CONSTRAINT ck_marketplace_entries_rating_range CHECK (((rating >= (0)::double precision) AND (rating <= (5)::double precision))),
    CONSTRAINT ck_marketplace_entries_tags_array CHECK ((jsonb_typeof(tags) = 'array'::text))
);

CREATE TABLE agent_hub.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agent_id uuid NOT NULL,
    user_id uuid NOT NULL,
    external_session_id character varying(255),
    message_history jsonb DEFAULT '[]'::jsonb NOT NULL,
    state jsonb DEFAULT '{}'::jsonb NOT NULL,
    last_event_sequence integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_sessions_last_event_sequence CHECK ((last_event_sequence >= 0)),
    CONSTRAINT ck_sessions_message_history_array CHECK ((jsonb_typeof(message_history) = 'array'::text)),
    CONSTRAINT ck_sessions_state_object CHECK ((jsonb_typeof(state) = 'object'::text))
);

CREATE TABLE agent_hub.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    username character varying(50) NOT NULL,
    email character varying(100) NOT NULL,
    password_hash character varying(128) NOT NULL,
    full_name character varying(100),
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_password_hash_not_blank CHECK (((password_hash)::text <> ''::text)),
    CONSTRAINT ck_users_username_not_blank CHECK ((btrim((username)::text) <> ''::text))
);

CREATE TABLE core.partitioned_tables (
    parent_table text NOT NULL,
    control_column text NOT NULL,
    partition_interval interval DEFAULT '1 mon'::interval NOT NULL,
    premake integer DEFAULT 3 NOT NULL,
    retention interval,
    retention_mode text DEFAULT 'detach'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_partitioned_tables_partition_interval CHECK ((((partition_interval = '1 mon'::interval) AND (date_part('day'::text, partition_interval) = (0)::double precision)) OR ((partition_interval = '1 day'::interval) AND (date_part('month'::text, partition_interval) = (0)::double precision)))),
    CONSTRAINT ck_partitioned_tables_premake CHECK ((premake >= 0)),
    CONSTRAINT ck_partitioned_tables_retention CHECK ((retention > '00:00:00'::interval)),
    CONSTRAINT ck_partitioned_tables_retention_mode CHECK ((retention_mode = ANY (ARRAY['detach'::text, 'drop'::text])))
);

COMMENT ON TABLE core.partitioned_tables IS 'Partitioned tables kept by core.run_partition_maintenance(); parent_table is schema-qualified.';

ALTER TABLE ONLY agent_hub.agents
    ADD CONSTRAINT pk_agents PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT pk_events PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT pk_marketplace_entries PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT pk_sessions PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT uq_events_session_id_sequence_number UNIQUE (session_id, sequence_number);

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT uq_marketplace_entries_agent_id UNIQUE (agent_id);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);

ALTER TABLE ONLY core.partitioned_tables
    ADD CONSTRAINT pk_partitioned_tables PRIMARY KEY (parent_table);

CREATE INDEX ix_agents_created_at_id_public ON agent_hub.agents USING btree (created_at DESC, id DESC) WHERE is_public;

CREATE INDEX ix_agents_name ON agent_hub.agents USING btree (name);

CREATE INDEX ix_agents_owner_id_is_public ON agent_hub.agents USING btree (owner_id, is_public);

CREATE INDEX ix_marketplace_entries_category_rating ON agent_hub.marketplace_entries USING btree (category, rating DESC NULLS LAST);

CREATE INDEX ix_marketplace_entries_tags ON agent_hub.marketplace_entries USING gin (tags jsonb_path_ops);

CREATE INDEX ix_sessions_agent_id ON agent_hub.sessions USING btree (agent_id);

CREATE INDEX ix_sessions_external_session_id ON agent_hub.sessions USING btree (external_session_id) WHERE (external_session_id IS NOT NULL);

CREATE INDEX ix_sessions_user_id_agent_id ON agent_hub.sessions USING btree (user_id, agent_id);

CREATE TRIGGER tg_agents_updated_at BEFORE UPDATE ON agent_hub.agents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_sessions_updated_at BEFORE UPDATE ON agent_hub.sessions FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON agent_hub.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_partitioned_tables_updated_at BEFORE UPDATE ON core.partitioned_tables FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

ALTER TABLE ONLY agent_hub.agents
    ADD CONSTRAINT fk_agents_owner_id FOREIGN KEY (owner_id) REFERENCES agent_hub.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT fk_events_session_id FOREIGN KEY (session_id) REFERENCES agent_hub.sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT fk_marketplace_entries_agent_id FOREIGN KEY (agent_id) REFERENCES agent_hub.agents(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT fk_sessions_agent_id FOREIGN KEY (agent_id) REFERENCES agent_hub.agents(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT fk_sessions_user_id FOREIGN KEY (user_id) REFERENCES agent_hub.users(id) ON DELETE CASCADE;
