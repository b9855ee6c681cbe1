-- depends: 0001_core_schema
--
-- Partition maintenance for declaratively RANGE-partitioned tables: what pg_partman gives, without
-- the extension (the embedded PostgreSQL from the pgserver wheel does not ship it, and managed
-- servers do not all allow it).
--
-- A domain registers a table once, in its migration:
--     select core.register_partitioned_table('deals.price_tracking', 'tracked_at');
-- and `sqlfirst partitions maintain` (cron, a scheduler, or a deploy step) calls
-- core.run_partition_maintenance() to keep it healthy:
-- * a DEFAULT partition always exists, so a row outside every range is kept, never rejected;
-- * the current period and `premake` periods ahead always have a partition, named predictably
--   (<table>_p2026_11 monthly, <table>_p2026_11_05 daily);
-- * rows sitting in the default partition get a partition of their own: default detached,
--   partition created, rows moved, default re-attached, in the caller's one transaction, so they
--   are never lost and never visible twice;
-- * with a retention, partitions wholly older than now() - retention are detached (kept as plain
--   tables) or dropped.
-- Periods are computed in UTC whatever the session time zone, so every server agrees on the names
-- and bounds. The control column may be timestamptz, timestamp or date.

create table core.partitioned_tables (
    parent_table text not null,
    control_column text not null,
    partition_interval interval not null default interval '1 month',
    premake integer not null default 3,
    retention interval,
    retention_mode text not null default 'detach',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint pk_partitioned_tables primary key (parent_table),
    constraint ck_partitioned_tables_partition_interval check (
        partition_interval = interval '1 month' and date_part('day', partition_interval) = 0
        or partition_interval = interval '1 day' and date_part('month', partition_interval) = 0
    ),
    constraint ck_partitioned_tables_premake check (premake >= 0),
    constraint ck_partitioned_tables_retention check (retention > interval '0'),
    constraint ck_partitioned_tables_retention_mode check (retention_mode in ('detach', 'drop'))
);

comment on table core.partitioned_tables is
    'Partitioned tables kept by core.run_partition_maintenance(); parent_table is schema-qualified.';

create trigger tg_partitioned_tables_updated_at before update on core.partitioned_tables
    for each row execute function core.set_updated_at();

-- Lower/upper bound of a partition as a UTC timestamp; null for DEFAULT or MINVALUE/MAXVALUE bounds.
create function core.partition_bounds(p_partition regclass, control_type regtype, out lower_bound timestamp, out upper_bound timestamp)
language plpgsql
stable
as $$
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
$$;

create function core.run_partition_maintenance(p_parent regclass default null)
returns table (parent_table text, action text, partition_name text, row_count bigint)
language plpgsql
as $$
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

comment on function core.run_partition_maintenance(regclass) is
    'Creates default and premade partitions, moves rows out of the default, applies retention; returns what it did.';

-- A UTC period boundary written as a bound literal for the control column's type.
create function core.partition_bound_literal(boundary timestamp, control_type regtype)
returns text
language sql
immutable
as $$
    select case
        when control_type = 'timestamptz'::regtype then to_char(boundary, 'YYYY-MM-DD HH24:MI:SS') || '+00'
        when control_type = 'date'::regtype then to_char(boundary, 'YYYY-MM-DD')
        else to_char(boundary, 'YYYY-MM-DD HH24:MI:SS')
    end
$$;

create function core.register_partitioned_table(
    parent regclass,
    control_column text,
    premake integer default 3,
    retention interval default null,
    retention_mode text default 'detach'
)
returns void
language plpgsql
as $$
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

comment on function core.register_partitioned_table(regclass, text, integer, interval, text) is
    'Puts a RANGE-partitioned table under maintenance (default partition, premake, retention) and runs it once.';

create function core.unregister_partitioned_table(parent regclass)
returns boolean
language sql
as $$
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

comment on function core.unregister_partitioned_table(regclass) is
    'Takes a table out of partition maintenance (call it in the rollback that drops the table).';

create function core.partition_status()
returns table (
    parent_table text,
    partition_name text,
    is_default boolean,
    lower_bound timestamp,
    upper_bound timestamp,
    row_count bigint
)
language plpgsql
stable
as $$
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

comment on function core.partition_status() is
    'Every partition of every registered table with its UTC bounds and exact row count; the default last.';
