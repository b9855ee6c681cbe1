CREATE SCHEMA agent_hub;

CREATE SCHEMA ai_seo;

CREATE SCHEMA analytics;

CREATE SCHEMA core;

CREATE SCHEMA deals;

CREATE SCHEMA devskyy;

CREATE SCHEMA easyflow;

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA core;

COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods';

CREATE TYPE agent_hub.event_author AS ENUM (
    'user',
    'agent',
    'system'
);

CREATE TYPE ai_seo.agent_level AS ENUM (
    'executive',
    'management',
    'operational'
);

CREATE TYPE ai_seo.campaign_status AS ENUM (
    'draft',
    'active',
    'paused',
    'completed',
    'cancelled'
);

CREATE TYPE ai_seo.task_priority AS ENUM (
    'low',
    'normal',
    'high',
    'urgent'
);

CREATE TYPE ai_seo.task_status AS ENUM (
    'pending',
    'in_progress',
    'completed',
    'failed',
    'cancelled'
);

CREATE TYPE ai_seo.user_role AS ENUM (
    'admin',
    'manager',
    'operator'
);

CREATE TYPE deals.agentstatus AS ENUM (
    'active',
    'inactive',
    'busy'
);

CREATE TYPE deals.agenttype AS ENUM (
    'market_analyst',
    'research',
    'negotiator',
    'executor'
);

CREATE TYPE deals.balancechangetype AS ENUM (
    'deduction',
    'reward',
    'refund'
);

CREATE TYPE deals.dealactivitytype AS ENUM (
    'created',
    'updated',
    'analyzed',
    'goal_added',
    'goal_completed',
    'completed',
    'cancelled'
);

CREATE TYPE deals.dealsource AS ENUM (
    'amazon',
    'walmart',
    'ebay',
    'target',
    'bestbuy',
    'manual',
    'api',
    'scraper',
    'user',
    'agent'
);

CREATE TYPE deals.dealstatus AS ENUM (
    'pending',
    'active',
    'expired',
    'sold_out',
    'invalid',
    'deleted'
);

CREATE TYPE deals.goalpriority AS ENUM (
    'high',
    'medium',
    'low'
);

CREATE TYPE deals.goalstatus AS ENUM (
    'active',
    'paused',
    'completed',
    'cancelled',
    'failed',
    'expired',
    'error'
);

CREATE TYPE deals.marketcategory AS ENUM (
    'electronics',
    'fashion',
    'home',
    'books',
    'toys',
    'sports',
    'automotive',
    'health',
    'beauty',
    'grocery',
    'other'
);

CREATE TYPE deals.marketdatatype AS ENUM (
    'stock',
    'crypto',
    'forex',
    'commodity'
);

CREATE TYPE deals.marketstatus AS ENUM (
    'active',
    'inactive',
    'maintenance',
    'rate_limited',
    'error'
);

CREATE TYPE deals.markettype AS ENUM (
    'amazon',
    'walmart',
    'ebay',
    'target',
    'bestbuy'
);

CREATE TYPE deals.messagerole AS ENUM (
    'user',
    'assistant',
    'system'
);

CREATE TYPE deals.notificationpriority AS ENUM (
    'critical',
    'high',
    'medium',
    'low'
);

CREATE TYPE deals.notificationstatus AS ENUM (
    'pending',
    'sent',
    'delivered',
    'read',
    'failed'
);

CREATE TYPE deals.notificationtype AS ENUM (
    'system',
    'deal',
    'goal',
    'price_alert',
    'token',
    'security',
    'market'
);

CREATE TYPE deals.scoretype AS ENUM (
    'risk',
    'profit_potential',
    'market_sentiment'
);

CREATE TYPE deals.taskactivitytype AS ENUM (
    'created',
    'started',
    'progress',
    'blocked',
    'completed',
    'failed'
);

CREATE TYPE deals.taskstatus AS ENUM (
    'pending',
    'in_progress',
    'completed',
    'failed'
);

CREATE TYPE deals.textrange AS RANGE (
    subtype = text,
    multirange_type_name = deals.textmultirange
);

CREATE TYPE deals.tokenscope AS ENUM (
    'full',
    'limited',
    'read'
);

CREATE TYPE deals.tokenstatus AS ENUM (
    'active',
    'expired',
    'revoked'
);

CREATE TYPE deals.tokentype AS ENUM (
    'access',
    'refresh',
    'reset'
);

CREATE TYPE deals.transactionstatus AS ENUM (
    'pending',
    'completed',
    'failed',
    'cancelled'
);

CREATE TYPE deals.transactiontype AS ENUM (
    'deduction',
    'reward',
    'refund'
);

CREATE TYPE deals.userstatus AS ENUM (
    'active',
    'inactive',
    'suspended',
    'deleted'
);

CREATE TYPE devskyy.agent_execution_status AS ENUM (
    'running',
    'completed',
    'failed'
);

CREATE TYPE devskyy.ingest_outcome AS ENUM (
    'created',
    'replaced',
    'unchanged'
);

CREATE TYPE devskyy.order_status AS ENUM (
    'pending',
    'processing',
    'completed',
    'cancelled'
);

CREATE TYPE devskyy.product_status AS ENUM (
    'draft',
    'published',
    'archived'
);

CREATE TYPE devskyy.task_category AS ENUM (
    'reasoning',
    'creative',
    'classification',
    'qa',
    'code'
);

CREATE TYPE devskyy.tool_execution_status AS ENUM (
    'success',
    'failed',
    'timeout'
);

CREATE TYPE devskyy.user_role AS ENUM (
    'customer',
    'staff',
    'admin'
);

CREATE TYPE easyflow.conversation_status AS ENUM (
    'active',
    'paused',
    'closed',
    'escalated'
);

CREATE TYPE easyflow.delivery_status AS ENUM (
    'queued',
    'sending',
    'sent',
    'failed',
    'dead'
);

CREATE TYPE easyflow.integration_status AS ENUM (
    'pending',
    'connected',
    'error',
    'disconnected'
);

CREATE TYPE easyflow.message_direction AS ENUM (
    'inbound',
    'outbound'
);

CREATE TYPE easyflow.message_role AS ENUM (
    'user',
    'assistant',
    'system'
);

CREATE TYPE easyflow.metric_type AS ENUM (
    'messages_sent',
    'messages_received',
    'api_calls',
    'errors',
    'response_time',
    'sync_duration'
);

CREATE TYPE easyflow.platform_region AS ENUM (
    'russia',
    'international',
    'global'
);

CREATE TYPE easyflow.platform_type AS ENUM (
    'ecommerce',
    'messaging',
    'voice',
    'analytics'
);

CREATE TYPE easyflow.sync_status AS ENUM (
    'running',
    'success',
    'partial',
    'failed'
);

CREATE TYPE easyflow.sync_type AS ENUM (
    'full',
    'incremental',
    'orders',
    'products'
);

CREATE FUNCTION agent_hub.append_session_messages(p_session_id uuid, p_messages jsonb) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
    v_added integer;
    v_count integer;
    v_user uuid;
begin
    if jsonb_typeof(p_messages) is distinct from 'array' then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('messages must be a JSON array, got %s', coalesce(jsonb_typeof(p_messages), 'null'));
    end if;
    v_added := jsonb_array_length(p_messages);
    if v_added = 0 then
        select message_count into v_count from agent_hub.sessions where id = p_session_id;
        return v_count;
    end if;

    perform set_config('agent_hub.appending_messages', 'on', true);
    update agent_hub.sessions
    set message_history = message_history || p_messages,
        message_count = message_count + v_added
    where id = p_session_id
    returning message_count, user_id into v_count, v_user;
    perform set_config('agent_hub.appending_messages', 'off', true);
    if v_count is null then
        return null;  -- no such session
    end if;

    insert into agent_hub.session_messages (session_id, position, message, user_id)
    select p_session_id, v_count - v_added + m.ordinality::integer - 1, m.value, v_user
    from jsonb_array_elements(p_messages) with ordinality as m;
    return v_count;
end;
$$;

COMMENT ON FUNCTION agent_hub.append_session_messages(p_session_id uuid, p_messages jsonb) IS 'Append messages to a session: message_history, message_count and session_messages together, under the session row lock; the new count, or NULL when there is no such session.';

CREATE FUNCTION agent_hub.check_session_agent() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if row_security_active('agent_hub.sessions'::regclass)
       and not exists (select from agent_hub.agents as a where a.id = new.agent_id) then
        raise exception 'new row violates row-level security policy for table "sessions"'
            using errcode = 'insufficient_privilege',
                  detail = format('agent %s is not one the acting user may run', new.agent_id),
                  schema = 'agent_hub',
                  table = 'sessions';
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION agent_hub.check_session_agent() IS 'A session''s agent must be one the acting user may see (public or their own); where row-level security applies.';

CREATE FUNCTION agent_hub.fill_event_user() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if new.user_id is null then
        select s.user_id into new.user_id from agent_hub.sessions as s where s.id = new.session_id;
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION agent_hub.fill_event_user() IS 'An event written without its user gets its session''s (tg_events_user).';

CREATE FUNCTION agent_hub.guard_marketplace_entry() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    -- Only public agents are published, whoever publishes (the bug this migration fixes).
    if tg_op = 'INSERT' or new.agent_id is distinct from old.agent_id then
        if not exists (select from agent_hub.agents where id = new.agent_id and is_public) then
            raise exception 'agent % is not public: only public agents can be published', new.agent_id
                using errcode = 'check_violation', constraint = 'ck_marketplace_entries_agent_public',
                      schema = 'agent_hub', table = 'marketplace_entries';
        end if;
    end if;
    -- Under RLS, anyone may count a download or a rating of a public entry; the rest is the owner's.
    if tg_op = 'UPDATE' and row_security_active('agent_hub.marketplace_entries')
       and (new.agent_id, new.category, new.tags, new.changelog, new.published_at, new.id)
           is distinct from (old.agent_id, old.category, old.tags, old.changelog, old.published_at, old.id)
       and not exists (select from agent_hub.agents
                        where id = old.agent_id and owner_id = (select core.acting_user())) then
        raise exception 'only the owner of agent % can change its marketplace entry', old.agent_id
            using errcode = 'insufficient_privilege', schema = 'agent_hub', table = 'marketplace_entries';
    end if;
    -- listed is the agent's is_public, never what the statement wrote (0081).
    new.listed := coalesce((select is_public from agent_hub.agents where id = new.agent_id), false);
    return new;
end;
$$;

COMMENT ON FUNCTION agent_hub.guard_marketplace_entry() IS 'BEFORE INSERT/UPDATE of a marketplace entry: the agent is public; non-owners change counters only.';

CREATE FUNCTION agent_hub.guard_session_history() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'UPDATE' and current_setting('agent_hub.appending_messages', true) is distinct from 'on' then
        raise exception using
            errcode = 'check_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'tg_sessions_history_guard',
            message = 'a session''s message_history and message_count change only by appending messages'
                || ' (agent_hub.append_session_messages)';
    end if;
    if jsonb_typeof(new.message_history) is distinct from 'array' then
        raise exception using
            errcode = 'check_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'ck_sessions_message_history_array',
            message = 'a session''s message_history is a JSON array';
    end if;
    if tg_op = 'INSERT' then
        new.message_count := jsonb_array_length(new.message_history);
    end if;
    return new;
end;
$$;

CREATE FUNCTION agent_hub.insert_initial_session_messages() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    insert into agent_hub.session_messages (session_id, position, message, created_at, user_id)
    select n.id, m.ordinality::integer - 1, m.value, n.created_at, n.user_id
    from new_sessions as n
    cross join lateral jsonb_array_elements(n.message_history) with ordinality as m;
    return null;
end;
$$;

CREATE FUNCTION agent_hub.login_password_hash(p_username text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select password_hash from agent_hub.users where username = p_username
$$;

COMMENT ON FUNCTION agent_hub.login_password_hash(p_username text) IS 'The stored hash of one user, for password verification only (the app role cannot select the column).';

CREATE FUNCTION agent_hub.marketplace_search_tag(tags jsonb) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    -- The asked tag the fewest listed entries carry, by the ranking's statistics; null for no tags.
    select q.tag
      from jsonb_array_elements_text(tags) as q (tag)
      left join lateral (
          select m.freq
            from pg_catalog.pg_stats as s,
                 unnest(s.most_common_vals::text::text[], s.most_common_freqs) as m (value, freq)
           where s.schemaname = 'agent_hub' and s.tablename = 'marketplace_entry_tags'
             and s.attname = 'tag' and m.value = q.tag
      ) as common on true
     order by coalesce(common.freq, 0), q.tag
     limit 1
$$;

COMMENT ON FUNCTION agent_hub.marketplace_search_tag(tags jsonb) IS 'The tag a marketplace search reads the ranking of: the rarest of the asked tags by pg_stats (0093).';

CREATE FUNCTION agent_hub.record_marketplace_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    insert into agent_hub.marketplace_versions (entry_id, version, category, tags, changelog, published_at)
    select new.id, coalesce(max(v.version), 0) + 1, new.category, new.tags, new.changelog, new.published_at
    from agent_hub.marketplace_versions as v
    where v.entry_id = new.id;
    return null;
end;
$$;

CREATE FUNCTION agent_hub.refuse_session_message_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    -- Depth 1 is a statement of its own; the cascade from deleting a session runs from the
    -- foreign key's trigger, one level down.
    if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
        return null;
    end if;
    raise exception using
        errcode = 'check_violation',
        schema = tg_table_schema,
        table = tg_table_name,
        constraint = 'tg_session_messages_append_only',
        message = 'a session''s messages are append-only: delete the session to remove them';
end;
$$;

CREATE FUNCTION agent_hub.sync_marketplace_listing() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    -- The guard sets listed from the agent (now updated) for the touched entry.
    update agent_hub.marketplace_entries set listed = new.is_public where agent_id = new.id;
    return null;
end;
$$;

COMMENT ON FUNCTION agent_hub.sync_marketplace_listing() IS 'AFTER UPDATE OF is_public on an agent: its marketplace entry follows (listed).';

CREATE FUNCTION agent_hub.sync_marketplace_ranking() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    was_ranked boolean := tg_op <> 'INSERT' and old.listed;
    is_ranked boolean := tg_op <> 'DELETE' and new.listed;
begin
    if was_ranked and is_ranked
       and new.id = old.id and new.tags = old.tags and new.category = old.category then
        -- A download or a rating: the entry keeps its tags, only its place in their rankings moves.
        if (new.rating, new.download_count) is distinct from (old.rating, old.download_count) then
            update agent_hub.marketplace_entry_tags
               set rating = new.rating, download_count = new.download_count
             where entry_id = new.id;
        end if;
        return null;
    end if;
    if was_ranked then
        delete from agent_hub.marketplace_entry_tags where entry_id = old.id;
    end if;
    if is_ranked then
        -- String tags only: a search asks for strings (the API's Tag), and @> never matches a string
        -- against another JSON type.
        insert into agent_hub.marketplace_entry_tags (entry_id, tag, category, tags, rating, download_count)
        select distinct new.id, t.value #>> '{}', new.category,
               case when pg_column_size(new.tags) <= 1024 then new.tags end, new.rating, new.download_count
          from jsonb_array_elements(new.tags) as t
         where jsonb_typeof(t.value) = 'string';
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION agent_hub.sync_marketplace_ranking() IS 'AFTER INSERT/UPDATE/DELETE of a marketplace entry: its rows in marketplace_entry_tags follow (0093).';

CREATE FUNCTION ai_seo.acting_user_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    select exists (
        select from ai_seo.users as u
         where u.id = core.acting_user()
           and u.role = 'admin'
           and u.is_active
    )
$$;

COMMENT ON FUNCTION ai_seo.acting_user_is_admin() IS 'Whether the acting user of the transaction is an active admin (staff sessions policy).';

CREATE FUNCTION ai_seo.count_user_tasks() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_users uuid[];
    v_agents uuid[];
    v_statuses ai_seo.task_status[];
    v_signs integer[];
    v_negative boolean;
    v_empty_users uuid[];
    v_empty_agents uuid[];
begin
    if tg_op = 'TRUNCATE' then
        delete from ai_seo.user_task_counts;
        return null;
    end if;
    -- The statement's rows: +1 for each row as it is now, -1 for each row as it was (an UPDATE has
    -- both; rows whose user, agent and status did not change cancel out below).
    if tg_op = 'INSERT' then
        select array_agg(n.user_id), array_agg(n.agent_id), array_agg(n.status), array_agg(1)
        into v_users, v_agents, v_statuses, v_signs
        from new_tasks as n
        where n.user_id is not null;
    elsif tg_op = 'DELETE' then
        select array_agg(o.user_id), array_agg(o.agent_id), array_agg(o.status), array_agg(-1)
        into v_users, v_agents, v_statuses, v_signs
        from old_tasks as o
        where o.user_id is not null;
    else
        select array_agg(r.user_id), array_agg(r.agent_id), array_agg(r.status), array_agg(r.sign)
        into v_users, v_agents, v_statuses, v_signs
        from (
            select n.user_id, n.agent_id, n.status, 1 as sign from new_tasks as n where n.user_id is not null
            union all
            select o.user_id, o.agent_id, o.status, -1 as sign from old_tasks as o where o.user_id is not null
        ) as r;
    end if;
    if v_users is null then
        return null;
    end if;
    -- One upsert of the net change per (user, agent), in key order: each row is locked in that order.
    -- The proposed row of a pair that has none is the change itself; a negative count means the
    -- counts had drifted from the tasks, and the write that finds it fails rather than hide it.
    with net as (
        select d.user_id, d.agent_id, d.status, sum(d.sign) as delta
        from unnest(v_users, v_agents, v_statuses, v_signs) as d(user_id, agent_id, status, sign)
        group by d.user_id, d.agent_id, d.status
        having sum(d.sign) <> 0
    ),
    applied as (
        insert into ai_seo.user_task_counts as c (user_id, agent_id, pending, in_progress, completed, failed, cancelled)
        select net.user_id, net.agent_id,
               coalesce(sum(net.delta) filter (where net.status = 'pending'), 0),
               coalesce(sum(net.delta) filter (where net.status = 'in_progress'), 0),
               coalesce(sum(net.delta) filter (where net.status = 'completed'), 0),
               coalesce(sum(net.delta) filter (where net.status = 'failed'), 0),
               coalesce(sum(net.delta) filter (where net.status = 'cancelled'), 0)
        from net
        group by net.user_id, net.agent_id
        order by net.user_id, net.agent_id
        on conflict (user_id, agent_id) do update
        set pending = c.pending + excluded.pending,
            in_progress = c.in_progress + excluded.in_progress,
            completed = c.completed + excluded.completed,
            failed = c.failed + excluded.failed,
            cancelled = c.cancelled + excluded.cancelled
        returning c.user_id, c.agent_id,
                  least(c.pending, c.in_progress, c.completed, c.failed, c.cancelled) as lowest,
                  c.pending + c.in_progress + c.completed + c.failed + c.cancelled as total
    )
    select coalesce(bool_or(a.lowest < 0), false),
           array_agg(a.user_id) filter (where a.total = 0),
           array_agg(a.agent_id) filter (where a.total = 0)
    into v_negative, v_empty_users, v_empty_agents
    from applied as a;
    if v_negative then
        raise exception using
            errcode = 'check_violation',
            constraint = 'user_task_counts_not_negative',
            message = 'ai_seo.user_task_counts would go negative: the counts drifted from agent_tasks '
                      '(run ai_seo.recount_user_tasks())';
    end if;
    -- A pair left without tasks loses its row (the statement still holds the row's lock).
    if v_empty_users is not null then
        delete from ai_seo.user_task_counts as c
        using unnest(v_empty_users, v_empty_agents) as k(user_id, agent_id)
        where c.user_id = k.user_id
          and c.agent_id = k.agent_id;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION ai_seo.count_user_tasks() IS 'AFTER INSERT/UPDATE/DELETE/TRUNCATE (statement) on agent_tasks: keeps ai_seo.user_task_counts.';

CREATE FUNCTION ai_seo.enforce_campaign_lifecycle() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if not (
        old.status = 'draft' and new.status in ('active', 'cancelled')
        or old.status = 'active' and new.status in ('paused', 'completed', 'cancelled')
        or old.status = 'paused' and new.status in ('active', 'completed', 'cancelled')
    ) then
        raise exception using
            errcode = 'SF032',
            constraint = 'campaigns_lifecycle',
            message = format('illegal campaign transition %s -> %s (campaign %s)', old.status, new.status, old.id);
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION ai_seo.enforce_campaign_lifecycle() IS 'BEFORE UPDATE OF status on campaigns: the seed''s workflow only, else SF032.';

CREATE FUNCTION ai_seo.enforce_task_lifecycle() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    -- Fires for every UPDATE that sets status, also to the value it already has: completing a
    -- completed task or starting a running one is as illegal as skipping a step.
    if not (
        old.status = 'pending' and new.status in ('in_progress', 'cancelled')
        or old.status = 'in_progress' and new.status in ('completed', 'failed', 'cancelled')
    ) then
        raise exception using
            errcode = 'SF031',
            constraint = 'agent_tasks_lifecycle',
            message = format('illegal task transition %s -> %s (task %s)', old.status, new.status, old.id);
    end if;
    if new.status = 'in_progress' then
        new.started_at := clock_timestamp();
    elsif new.status in ('completed', 'failed') then
        new.completed_at := clock_timestamp();
        new.processing_time_ms := round(extract(epoch from new.completed_at - new.started_at) * 1000)::integer;
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION ai_seo.enforce_task_lifecycle() IS 'BEFORE UPDATE OF status on agent_tasks: legal transitions only (else SF031), stamps started_at/completed_at/processing_time_ms.';

CREATE FUNCTION ai_seo.fill_task_client() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
    if new.campaign_id is null then
        new.client_id := '00000000-0000-0000-0000-000000000000'::uuid;
        return new;
    end if;
    select c.client_id into new.client_id from ai_seo.campaigns as c where c.id = new.campaign_id;
    if new.client_id is null then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'fk_agent_tasks_campaign_id',
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"',
                tg_table_name, 'fk_agent_tasks_campaign_id'
            ),
            detail = format('Key (campaign_id)=(%s) is not present in table "campaigns".', new.campaign_id);
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION ai_seo.fill_task_client() IS 'A task written without its client gets its campaign''s, or the nil uuid (the agency''s own work) without a campaign (tg_agent_tasks_client).';

CREATE FUNCTION ai_seo.guard_user_write() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
    problem text;
begin
    if not core.bound_by_row_security() or ai_seo.acting_user_is_admin() then
        return case when tg_op = 'DELETE' then old else new end;
    end if;
    if tg_op = 'INSERT' then
        if new.role <> 'operator' then
            problem := format('only an acting admin creates a %s', new.role);
        end if;
    elsif old.id is distinct from core.acting_user() then
        problem := 'a staff member changes or deletes only their own account; an acting admin, anyone''s';
    elsif tg_op = 'UPDATE' and new.role is distinct from old.role then
        problem := 'only an acting admin changes a role';
    elsif tg_op = 'UPDATE' and new.is_active is distinct from old.is_active then
        problem := 'only an acting admin activates or deactivates an account';
    end if;
    if problem is not null then
        raise exception '% (%)', problem, coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = 'ai_seo', table = 'users';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end;
$$;

COMMENT ON FUNCTION ai_seo.guard_user_write() IS 'BEFORE INSERT/UPDATE/DELETE row trigger on users: under RLS rules only an acting admin gives roles, (de)activates, or writes another account.';

CREATE FUNCTION ai_seo.login_password_hash(p_username text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select password_hash from ai_seo.users where username = p_username
$$;

COMMENT ON FUNCTION ai_seo.login_password_hash(p_username text) IS 'The stored hash of one user, for password verification only (the app role cannot select the column).';

CREATE FUNCTION ai_seo.protect_finished_task() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if (new.id, new.agent_id, new.campaign_id, new.task_type, new.status, new.priority, new.input_data,
        new.output_data, new.error_message, new.started_at, new.completed_at, new.processing_time_ms,
        new.created_at)
       is distinct from
       (old.id, old.agent_id, old.campaign_id, old.task_type, old.status, old.priority, old.input_data,
        old.output_data, old.error_message, old.started_at, old.completed_at, old.processing_time_ms,
        old.created_at)
    then
        raise exception using
            errcode = 'SF031',
            constraint = 'agent_tasks_lifecycle',
            message = format('task %s is %s: a finished task cannot change', old.id, old.status);
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION ai_seo.protect_finished_task() IS 'BEFORE UPDATE on finished agent_tasks: only user_id may change (ON DELETE SET NULL), else SF031.';

CREATE FUNCTION ai_seo.recount_user_tasks() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
    v_rows bigint;
begin
    -- Writers of tasks wait until the caller's transaction ends: the counts are exact at its commit.
    lock table ai_seo.agent_tasks in share mode;
    delete from ai_seo.user_task_counts;
    insert into ai_seo.user_task_counts (user_id, agent_id, pending, in_progress, completed, failed, cancelled)
    select t.user_id, t.agent_id,
           count(*) filter (where t.status = 'pending'),
           count(*) filter (where t.status = 'in_progress'),
           count(*) filter (where t.status = 'completed'),
           count(*) filter (where t.status = 'failed'),
           count(*) filter (where t.status = 'cancelled')
    from ai_seo.agent_tasks as t
    where t.user_id is not null
    group by t.user_id, t.agent_id
    order by t.user_id, t.agent_id;
    get diagnostics v_rows = row_count;
    return v_rows;
end;
$$;

COMMENT ON FUNCTION ai_seo.recount_user_tasks() IS 'Rebuilds ai_seo.user_task_counts from agent_tasks (after a load with triggers off); returns the rows written. Maintenance: sqlfirst_worker and the owner only (it holds task writers until its transaction ends).';

CREATE FUNCTION ai_seo.rotate_refresh_token(p_user_id uuid, p_presented_hash text, p_new_hash text, p_expires_at timestamp with time zone, p_user_agent text, p_ip_address inet) RETURNS TABLE(outcome text, id uuid, user_id uuid, expires_at timestamp with time zone, user_agent text, ip_address inet, created_at timestamp with time zone, last_used_at timestamp with time zone, is_active boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_old ai_seo.user_sessions;
begin
    select s.* into v_old
    from ai_seo.user_sessions s
    where s.refresh_token_hash = p_presented_hash
      and s.user_id = p_user_id
    for update;
    if not found or (v_old.is_active and v_old.expires_at <= statement_timestamp()) then
        return query select 'invalid'::text, null::uuid, null::uuid, null::timestamptz, null::text, null::inet,
                            null::timestamptz, null::timestamptz, null::boolean;
        return;
    end if;
    if not v_old.is_active then
        update ai_seo.user_sessions s
        set is_active = false,
            revoked_at = statement_timestamp()
        where s.user_id = p_user_id
          and s.is_active;
        return query select 'reused'::text, null::uuid, null::uuid, null::timestamptz, null::text, null::inet,
                            null::timestamptz, null::timestamptz, null::boolean;
        return;
    end if;
    update ai_seo.user_sessions s
    set is_active = false,
        revoked_at = statement_timestamp(),
        last_used_at = statement_timestamp()
    where s.id = v_old.id;
    return query
    insert into ai_seo.user_sessions as s (user_id, refresh_token_hash, expires_at, user_agent, ip_address)
    values (
        p_user_id, p_new_hash, p_expires_at,
        coalesce(p_user_agent, v_old.user_agent), coalesce(p_ip_address, v_old.ip_address)
    )
    returning 'rotated'::text, s.id, s.user_id, s.expires_at, s.user_agent, s.ip_address, s.created_at,
              s.last_used_at, s.is_active;
end;
$$;

COMMENT ON FUNCTION ai_seo.rotate_refresh_token(p_user_id uuid, p_presented_hash text, p_new_hash text, p_expires_at timestamp with time zone, p_user_agent text, p_ip_address inet) IS 'Refresh-token rotation: rotated (old revoked, new issued) | reused (every session revoked) | invalid.';

CREATE FUNCTION ai_seo.use_refresh_token(p_user_id uuid, p_token_hash text) RETURNS TABLE(id uuid, user_id uuid, expires_at timestamp with time zone, user_agent text, ip_address inet, created_at timestamp with time zone, last_used_at timestamp with time zone, is_active boolean)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    update ai_seo.user_sessions as s
       set last_used_at = statement_timestamp()
     where s.refresh_token_hash = p_token_hash
       and s.user_id = p_user_id
       and s.is_active
       and s.expires_at > statement_timestamp()
    returning s.id, s.user_id, s.expires_at, s.user_agent, s.ip_address, s.created_at, s.last_used_at,
              s.is_active
$$;

COMMENT ON FUNCTION ai_seo.use_refresh_token(p_user_id uuid, p_token_hash text) IS 'The user''s active, unexpired session of this token hash, its use recorded: refresh-token validation.';

CREATE FUNCTION core.acting_user() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    select nullif(pg_catalog.current_setting('sqlfirst.user_id', true), '')::uuid
$$;

COMMENT ON FUNCTION core.acting_user() IS 'The user the current transaction acts for (setting sqlfirst.user_id), or NULL: what RLS policies compare with.';

CREATE FUNCTION core.bound_by_row_security() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
    select not (rolsuper or rolbypassrls) from pg_roles where rolname = current_user
$$;

COMMENT ON FUNCTION core.bound_by_row_security() IS 'Whether the current role is subject to row-level security (neither superuser nor BYPASSRLS).';

CREATE FUNCTION core.domain_schemas() RETURNS SETOF name
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
    select nspname
      from pg_namespace
     where nspname not like 'pg\_%'
       and nspname not in ('information_schema', 'public', 'core')
     order by nspname;
$$;

COMMENT ON FUNCTION core.domain_schemas() IS 'The schemas of the installed domains: every schema but core, public and the system''s.';

CREATE FUNCTION core.grant_domain_privileges(p_schema name) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
    object record;
    migrator text := current_user;
begin
    -- The owner role owns the schema and its objects (extension members stay the extension's; a
    -- column's sequence follows its table), so a login that is sqlfirst_owner can run every later
    -- migration without a superuser.
    if pg_has_role(migrator, 'sqlfirst_owner', 'MEMBER') and migrator <> 'sqlfirst_owner' then
        -- Only what the owner role does not own yet (since 0209): ALTER ... OWNER takes an ACCESS
        -- EXCLUSIVE lock even when the owner stays, which on every table of a busy domain, in no set
        -- order, in the middle of a migration, waits behind (and blocks) live traffic or deadlocks
        -- with it.
        if (select n.nspowner from pg_namespace n where n.oid = p_schema::regnamespace)
           <> 'sqlfirst_owner'::regrole then
            execute format('alter schema %I owner to sqlfirst_owner', p_schema);
        end if;
        for object in
            select c.oid, c.relkind
              from pg_class c
             where c.relnamespace = p_schema::regnamespace
               and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
               and c.relowner <> 'sqlfirst_owner'::regrole
               and not exists (select from pg_depend d
                                where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                  and (d.deptype = 'e' or (c.relkind = 'S' and d.deptype in ('a', 'i'))))
        loop
            execute format('alter %s %s owner to sqlfirst_owner',
                           case object.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                               when 'f' then 'foreign table' when 'S' then 'sequence'
                                               else 'table' end,
                           object.oid::regclass);
        end loop;
        for object in
            select p.oid, p.prokind
              from pg_proc p
             where p.pronamespace = p_schema::regnamespace
               and p.proowner <> 'sqlfirst_owner'::regrole
               and not exists (select from pg_depend d
                                where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
        loop
            execute format('alter %s %s owner to sqlfirst_owner',
                           case object.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
                                               else 'function' end,
                           object.oid::regprocedure);
        end loop;
        for object in
            select t.oid
              from pg_type t
             where t.typnamespace = p_schema::regnamespace
               and t.typtype in ('e', 'd', 'r')
               and t.typowner <> 'sqlfirst_owner'::regrole
               and not exists (select from pg_depend d
                                where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
        loop
            execute format('alter type %s owner to sqlfirst_owner', object.oid::regtype);
        end loop;
    end if;

    execute format('grant usage on schema %I to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker', p_schema);
    execute format('grant select, insert, update, delete on all tables in schema %I to sqlfirst_app, sqlfirst_worker',
                   p_schema);
    execute format('grant select on all tables in schema %I to sqlfirst_readonly', p_schema);
    for object in
        select s.table_name,
               (select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
                  from pg_attribute a
                 where a.attrelid = format('%I.%I', p_schema, s.table_name)::regclass
                   and a.attnum > 0 and not a.attisdropped
                   and a.attname <> all (s.secrets)) as readable
          from (select table_name, array_agg(column_name) as secrets
                  from core.secret_columns
                 where schema_name = p_schema
                 group by table_name) as s
    loop
        execute format('revoke select on %I.%I from sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       p_schema, object.table_name);
        execute format('grant select (%s) on %I.%I to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker',
                       object.readable, p_schema, object.table_name);
    end loop;
    -- Columns the database chooses (core.database_chosen_columns): the app may insert and update every
    -- other column of the table, so it cannot choose one.
    for object in
        select s.table_name,
               (select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
                  from pg_attribute a
                 where a.attrelid = format('%I.%I', p_schema, s.table_name)::regclass
                   and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   and a.attname <> all (s.chosen)) as writable
          from (select table_name, array_agg(column_name) as chosen
                  from core.database_chosen_columns
                 where schema_name = p_schema
                 group by table_name) as s
    loop
        execute format('revoke insert, update on %I.%I from sqlfirst_app', p_schema, object.table_name);
        continue when object.writable is null;  -- every column is the database's: nothing to grant
        execute format('grant insert (%s), update (%s) on %I.%I to sqlfirst_app',
                       object.writable, object.writable, p_schema, object.table_name);
    end loop;
    execute format('grant usage, select on all sequences in schema %I to sqlfirst_app, sqlfirst_worker', p_schema);
    execute format('grant select on all sequences in schema %I to sqlfirst_readonly', p_schema);
    -- Functions: PUBLIC may execute them unless a migration revoked that on purpose (a SECURITY
    -- DEFINER function for one role); such a function is granted explicitly, never here.

    -- Default privileges are kept per creating role: for the role running this migration, and for
    -- sqlfirst_owner when that is another role this one may act for.
    foreach migrator in array array_remove(array[current_user::text,
            case when pg_has_role(current_user, 'sqlfirst_owner', 'MEMBER') then 'sqlfirst_owner' end], null)
    loop
        execute format('alter default privileges for role %I in schema %I '
                       'grant select, insert, update, delete on tables to sqlfirst_app, sqlfirst_worker',
                       migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant select on tables to sqlfirst_readonly', migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant usage, select on sequences to sqlfirst_app, sqlfirst_worker', migrator, p_schema);
        execute format('alter default privileges for role %I in schema %I '
                       'grant select on sequences to sqlfirst_readonly', migrator, p_schema);
    end loop;
    -- The schema-wide grants above reach partitions too: those of a table with RLS lose them again
    -- (core.secure_partitions, 0079), so a re-grant of a domain opens no partition to a direct query.
    perform core.secure_partitions();
end;
$$;

COMMENT ON FUNCTION core.grant_domain_privileges(p_schema name) IS 'Hands a domain schema to sqlfirst_owner and grants the app, read-only and worker roles on it, now and by default.';

CREATE FUNCTION core.guard_own_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
    column_name text := coalesce(tg_argv[0], 'id');
    row_user uuid := (to_jsonb(old) ->> column_name)::uuid;
begin
    if core.bound_by_row_security() and row_user is distinct from core.acting_user() then
        raise exception 'a row of %.% is changed or deleted only by its own user, acting (%)',
                        tg_table_schema, tg_table_name,
                        coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = tg_table_schema, table = tg_table_name;
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end;
$$;

COMMENT ON FUNCTION core.guard_own_row() IS 'BEFORE UPDATE/DELETE row trigger: under RLS rules only the user named by column TG_ARGV[0] (default id) changes the row.';

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

CREATE FUNCTION core.refuse_shared_ids(p_schema name) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    SET row_security TO 'off'
    AS $_$
declare
    chosen record;
    shared text;
    how_many bigint;
    found text[] := '{}';
begin
    for chosen in
        select table_name, column_name
          from core.database_chosen_columns
         where schema_name = p_schema
         order by table_name, column_name
    loop
        continue when to_regclass(format('%I.%I', p_schema, chosen.table_name)) is null;
        execute format(
            'select string_agg(k::text, '', '' order by k) filter (where n <= 20), count(*)'
            ' from (select %2$I as k, row_number() over (order by %2$I) as n'
            '        from %1$s group by %2$I having count(*) > 1) as twins',
            format('%I.%I', p_schema, chosen.table_name), chosen.column_name)
          into shared, how_many;
        if how_many > 0 then
            found := found || format('%I.%I.%I: %s id(s)%s: %s', p_schema, chosen.table_name,
                                     chosen.column_name, how_many,
                                     case when how_many > 20 then ' (the first 20)' else '' end, shared);
        end if;
    end loop;
    if cardinality(found) > 0 then
        raise exception 'ids that two users share (written before the database chose them): %',
            array_to_string(found, '; ')
            using hint = 'delete one row of each shared id, or give it a new id, then migrate again';
    end if;
end;
$_$;

COMMENT ON FUNCTION core.refuse_shared_ids(p_schema name) IS 'Raises, naming them, while a column of core.database_chosen_columns in the schema holds a value twice (two tenants sharing an id).';

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
begin
    return query select * from core.run_partition_maintenance_unsecured(p_parent);
    perform core.secure_partitions(p_parent);
end
$$;

COMMENT ON FUNCTION core.run_partition_maintenance(p_parent regclass) IS 'core.run_partition_maintenance_unsecured (0002), then core.secure_partitions on what it touched.';

CREATE FUNCTION core.run_partition_maintenance_unsecured(p_parent regclass DEFAULT NULL::regclass) RETURNS TABLE(parent_table text, action text, partition_name text, row_count bigint)
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

COMMENT ON FUNCTION core.run_partition_maintenance_unsecured(p_parent regclass) IS 'Creates default and premade partitions, moves rows out of the default, applies retention; returns what it did.';

CREATE FUNCTION core.secure_partitions(p_parent regclass DEFAULT NULL::regclass) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
    v_partition regclass;
    v_secured integer := 0;
begin
    for v_partition in
        select tree.relid
        from pg_class as parent
        cross join lateral pg_partition_tree(parent.oid) as tree
        where parent.relkind = 'p'
          and parent.relrowsecurity
          and (p_parent is null or parent.oid = p_parent)
          and tree.relid <> parent.oid
    loop
        execute format('revoke all on table %s from sqlfirst_app, sqlfirst_readonly', v_partition);
        continue when (select relrowsecurity and relforcerowsecurity from pg_class where oid = v_partition);
        execute format('alter table %s enable row level security', v_partition);
        execute format('alter table %s force row level security', v_partition);
        v_secured := v_secured + 1;
    end loop;
    return v_secured;
end
$$;

COMMENT ON FUNCTION core.secure_partitions(p_parent regclass) IS 'Takes the app and read-only grants from every partition of a partitioned table that has RLS (of p_parent, or of all) and enables and forces RLS on it, with no policy; returns how many it newly forced.';

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

CREATE TABLE deals.auth_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    token text NOT NULL,
    token_type deals.tokentype NOT NULL,
    status deals.tokenstatus DEFAULT 'active'::deals.tokenstatus NOT NULL,
    scope deals.tokenscope DEFAULT 'full'::deals.tokenscope NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_auth_tokens_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_auth_tokens_token_sha256 CHECK ((token ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY deals.auth_tokens FORCE ROW LEVEL SECURITY;

CREATE FUNCTION deals.active_auth_token(p_token_hash text) RETURNS SETOF deals.auth_tokens
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select *
      from deals.auth_tokens
     where token = p_token_hash
       and status = 'active'
       and expires_at > statement_timestamp()
$$;

COMMENT ON FUNCTION deals.active_auth_token(p_token_hash text) IS 'The active, unexpired token with this hash, whoever owns it: authentication, before a user acts.';

CREATE TABLE deals.token_balance_history (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    balance_before numeric(18,8) NOT NULL,
    balance_after numeric(18,8) NOT NULL,
    change_amount numeric(18,8) NOT NULL,
    change_type deals.balancechangetype NOT NULL,
    transaction_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_token_balance_history_arithmetic CHECK ((balance_after = (balance_before + change_amount))),
    CONSTRAINT ck_token_balance_history_balances CHECK (((balance_before >= (0)::numeric) AND (balance_after >= (0)::numeric))),
    CONSTRAINT ck_token_balance_history_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text))
);

ALTER TABLE ONLY deals.token_balance_history FORCE ROW LEVEL SECURITY;

CREATE FUNCTION deals.apply_token_change(p_user_id uuid, p_type deals.transactiontype, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb) RETURNS deals.token_balance_history
    LANGUAGE plpgsql
    AS $$
declare
    v_after numeric(18, 8);
    v_change numeric(18, 8);
    v_transaction_id uuid;
    v_history deals.token_balance_history;
begin
    v_after := deals.move_token_balance(p_user_id, p_type, p_amount, p_goal_id);
    v_change := case p_type when 'deduction' then -p_amount else p_amount end;

    -- clock_timestamp(): rows of one user are written in lock order, so created_at orders them, also
    -- within one transaction (where now() would not move).
    insert into deals.token_transactions (
        user_id, type, amount, status, description, goal_id, created_at, meta_data
    )
    values (
        p_user_id, p_type, p_amount, 'completed', p_description, p_goal_id, clock_timestamp(),
        coalesce(p_meta_data, '{}')
    )
    returning id into v_transaction_id;

    insert into deals.token_balance_history (
        user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
    )
    values (
        p_user_id, v_after - v_change, v_after, v_change, p_type::text::deals.balancechangetype,
        v_transaction_id, clock_timestamp(), coalesce(p_meta_data, '{}')
    )
    returning * into v_history;
    return v_history;
end;
$$;

COMMENT ON FUNCTION deals.apply_token_change(p_user_id uuid, p_type deals.transactiontype, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb) IS 'One token operation, atomically: transaction row, balance, history, totals. Raises SF001 on overdraft.';

CREATE FUNCTION deals.check_notification_deal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    -- Read as the caller: under row-level security deal_ids shows the caller's own entries and the
    -- shared ones only, so a hidden deal and a missing one fail alike, as they did in the policy.
    if not exists (select from deals.deal_ids as i
                   where i.id = new.deal_id and (i.shared or i.user_id = new.user_id))
       and (row_security_active('deals.notifications')
            or exists (select from deals.deal_ids as i where i.id = new.deal_id)) then
        raise exception 'new row violates row-level security policy for table "notifications"'
            using errcode = 'insufficient_privilege',
                  detail = format('deal %s is neither the notification''s user''s nor shared', new.deal_id),
                  schema = 'deals',
                  table = 'notifications';
    end if;
    return new;  -- a deal no one has, written by a role row-level security does not apply to: the key names itself
end;
$$;

COMMENT ON FUNCTION deals.check_notification_deal() IS 'BEFORE INSERT/UPDATE row trigger on notifications: its deal is its user''s own or a shared one (what rls_notifications_own checked until 0212).';

CREATE FUNCTION deals.clear_deal_ids() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    -- DELETE, not TRUNCATE: notifications point here, and their keys set their deal_id null.
    delete from deals.deal_ids;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.clear_deal_ids() IS 'TRUNCATE of deals.deals empties deals.deal_ids with it.';

CREATE FUNCTION deals.clear_hash_index() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (a bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    if tg_table_name = 'auth_tokens' then
        delete from deals.auth_token_hashes;
    else
        delete from deals.transaction_hashes;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.clear_hash_index() IS 'TRUNCATE of deals.auth_tokens or deals.token_transactions empties its hash index with it.';

CREATE FUNCTION deals.complete_token_transaction(p_id uuid, p_tx_hash text) RETURNS deals.token_balance_history
    LANGUAGE plpgsql
    AS $$
declare
    v_tx deals.token_transactions;
    v_after numeric(18, 8);
    v_change numeric(18, 8);
    v_history deals.token_balance_history;
begin
    -- The transaction row first: a second completer waits here and then sees it completed.
    select * into v_tx from deals.token_transactions where id = p_id for update;
    if not found then
        raise exception using errcode = 'SF204', message = format('token transaction %s does not exist', p_id);
    end if;
    if v_tx.status <> 'pending' then
        raise exception using
            errcode = 'SF203',
            message = format('token transaction %s is %s; only a pending one completes', p_id, v_tx.status);
    end if;
    v_after := deals.move_token_balance(v_tx.user_id, v_tx.type, v_tx.amount, v_tx.goal_id);
    v_change := case v_tx.type when 'deduction' then -v_tx.amount else v_tx.amount end;

    perform set_config('deals.completing_transaction', p_id::text, true);
    update deals.token_transactions
    set status = 'completed',
        tx_hash = coalesce(p_tx_hash, tx_hash)
    where id = p_id;
    perform set_config('deals.completing_transaction', '', true);

    insert into deals.token_balance_history (
        user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
    )
    values (
        v_tx.user_id, v_after - v_change, v_after, v_change, v_tx.type::text::deals.balancechangetype,
        p_id, clock_timestamp(), v_tx.meta_data
    )
    returning * into v_history;
    return v_history;
end;
$$;

COMMENT ON FUNCTION deals.complete_token_transaction(p_id uuid, p_tx_hash text) IS 'Complete a pending token transaction: move the balance, record tx_hash, append history. SF203 unless pending.';

CREATE FUNCTION deals.count_active_goals() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.status = 'active' then
        update deals.users
        set active_goals_count = active_goals_count - 1
        where id = old.user_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.status = 'active' then
        update deals.users
        set active_goals_count = active_goals_count + 1
        where id = new.user_id;
    end if;
    return null;
end;
$$;

CREATE FUNCTION deals.count_goal_matches() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_found integer;
    v_max integer;
    v_new_owner uuid;
    v_old_owner uuid;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update deals.goals
        set total_matches_found = total_matches_found - 1
        where id = old.goal_id
        returning user_id into v_old_owner;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        update deals.goals
        set total_matches_found = total_matches_found + 1
        where id = new.goal_id
        returning total_matches_found, max_matches, user_id into v_found, v_max, v_new_owner;
        if v_max is not null and v_found > v_max then
            raise exception using
                errcode = 'SF201',
                message = format('goal %s already has its %s matches (max_matches)', new.goal_id, v_max);
        end if;
        -- A move to another user's goal moves the deal in the owners' totals (inserts are counted
        -- per statement by count_user_deals_found).
        if tg_op = 'UPDATE' and v_new_owner is distinct from v_old_owner then
            update deals.users
            set total_deals_found = total_deals_found - 1
            where id = v_old_owner;
            update deals.users
            set total_deals_found = total_deals_found + 1
            where id = v_new_owner;
        end if;
    end if;
    return null;
end;
$$;

CREATE FUNCTION deals.count_goal_matches_per_statement() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_goal record;
    v_found integer;
    v_max integer;
begin
    if tg_op = 'INSERT' then
        for v_goal in
            select goal_id, count(*)::integer as n
            from inserted_deals
            where goal_id is not null
            group by goal_id
            order by goal_id
        loop
            update deals.goals
            set total_matches_found = total_matches_found + v_goal.n
            where id = v_goal.goal_id
            returning total_matches_found, max_matches into v_found, v_max;
            if v_max is not null and v_found > v_max then
                raise exception using
                    errcode = 'SF201',
                    message = format('goal %s already has its %s matches (max_matches)', v_goal.goal_id, v_max);
            end if;
        end loop;
    else
        for v_goal in
            select goal_id, count(*)::integer as n
            from deleted_deals
            where goal_id is not null
            group by goal_id
            order by goal_id
        loop
            update deals.goals
            set total_matches_found = total_matches_found - v_goal.n
            where id = v_goal.goal_id;
        end loop;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.count_goal_matches_per_statement() IS 'goals.total_matches_found for a statement''s inserted or deleted deals: one update per goal, in id order; SF201 past max_matches.';

CREATE FUNCTION deals.count_user_deals_found() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_owner record;
begin
    for v_owner in
        select g.user_id, count(*) as found
        from inserted_deals as d
        join deals.goals as g on g.id = d.goal_id
        group by g.user_id
        order by g.user_id
    loop
        update deals.users
        set total_deals_found = total_deals_found + v_owner.found
        where id = v_owner.user_id;
    end loop;
    return null;
end;
$$;

CREATE FUNCTION deals.deduct_tokens(p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb) RETURNS deals.token_balance_history
    LANGUAGE sql
    AS $$
    select * from deals.apply_token_change(p_user_id, 'deduction', p_amount, p_description, p_goal_id, p_meta_data);
$$;

CREATE FUNCTION deals.delete_goal(p_id uuid) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
    v_user uuid;
    v_schema text;
    v_table text;
    v_constraint text;
begin
    select g.user_id into v_user from deals.goals as g where g.id = p_id for update;
    if not found then
        return 0;
    end if;
    update deals.chat_messages set goal_id = null where goal_id = p_id and user_id = v_user;
    update deals.notifications set goal_id = null where goal_id = p_id and user_id = v_user;
    update deals.token_transactions set goal_id = null where goal_id = p_id and user_id = v_user;
    begin
        delete from deals.goals where id = p_id and user_id = v_user;
    exception when foreign_key_violation then
        -- Under REPEATABLE READ or SERIALIZABLE the updates read the transaction's snapshot, so a
        -- reference committed after it (by a writer the lock waited for) is still there when the
        -- key checks the delete: the caller's transaction is to run again, in a new snapshot. Any
        -- other key's refusal, or one under READ COMMITTED (which the lock rules out), is raised
        -- as it is.
        get stacked diagnostics v_schema = schema_name, v_table = table_name, v_constraint = constraint_name;
        if v_schema = 'deals' and v_table in ('chat_messages', 'notifications', 'token_transactions')
           and current_setting('transaction_isolation') in ('repeatable read', 'serializable') then
            raise exception using
                errcode = 'serialization_failure',
                message = format('goal %s gained a reference after this transaction''s snapshot; run it again', p_id),
                detail = format('%s refused the delete (%s.%s)', v_constraint, v_schema, v_table);
        end if;
        raise;
    end;
    return 1;
end;
$$;

COMMENT ON FUNCTION deals.delete_goal(p_id uuid) IS 'Delete one goal (its deals and tasks cascade); chat messages, notifications and token transactions that pointed at it stay, with goal_id null. 1, or 0 when there is no such goal.';

CREATE FUNCTION deals.fill_deal_shared() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    select d.source::text not in ('manual', 'user')
    into new.deal_shared
    from deals.deals as d
    where d.id = new.deal_id
      and d.user_id = new.user_id;
    new.deal_shared := coalesce(new.deal_shared, false);  -- no such deal: the foreign key refuses the row
    return new;
end;
$$;

COMMENT ON FUNCTION deals.fill_deal_shared() IS 'BEFORE INSERT/UPDATE row trigger on deal_scores and price_tracking: deal_shared is whether the row''s deal is shared, never what the writer gave.';

CREATE FUNCTION deals.fill_hash_indexes() RETURNS bigint
    LANGUAGE sql
    AS $$
    with tokens as (
        insert into deals.auth_token_hashes (token, user_id, auth_token_id)
        select token, user_id, id
        from deals.auth_tokens
        on conflict (token) do nothing
        returning 1
    ), transactions as (
        insert into deals.transaction_hashes (tx_hash, user_id, transaction_id)
        select tx_hash, user_id, id
        from deals.token_transactions
        where tx_hash is not null
        on conflict (tx_hash) do nothing
        returning 1
    ), ids as (
        insert into deals.deal_ids (id, user_id, shared)
        select id, user_id, source::text not in ('manual', 'user')
        from deals.deals
        on conflict (id) do nothing
        returning 1
    )
    select (select count(*) from tokens) + (select count(*) from transactions) + (select count(*) from ids);
$$;

COMMENT ON FUNCTION deals.fill_hash_indexes() IS 'Writes the entries of auth_token_hashes, transaction_hashes and deal_ids that a load bypassing the triggers left out; returns how many. The owner''s to run.';

CREATE FUNCTION deals.fill_parent_user() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
declare
    v_parent_id uuid;
    v_user_id uuid;
begin
    execute format('select ($1).%I', tg_argv[1]) into v_parent_id using new;
    execute format('select p.user_id from deals.%I as p where p.id = $1', tg_argv[0])
        into v_user_id using v_parent_id;
    if v_user_id is null and v_parent_id is not null
       and not row_security_active(format('deals.%I', tg_argv[0])) then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = tg_argv[2],
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"', tg_table_name, tg_argv[2]
            ),
            detail = format('Key (%s)=(%s) is not present in table "%s".', tg_argv[1], v_parent_id, tg_argv[0]);
    end if;
    if tg_nargs < 4 then
        new.user_id := v_user_id;
    elsif not exists (select from pg_attribute
                      where attrelid = tg_relid and attname = tg_argv[3] and attnum > 0 and not attisdropped) then
        raise exception 'trigger % on %: no column % to fill', tg_name, tg_table_name, tg_argv[3];
    else
        new := json_populate_record(new, json_build_object(tg_argv[3], v_user_id));
    end if;
    return new;
end;
$_$;

COMMENT ON FUNCTION deals.fill_parent_user() IS 'A row written without its user gets its parent''s: tg_argv is the parent table, the column naming the parent, the foreign key''s name and optionally the column to fill (user_id when not given) (tg_deals_user, tg_tasks_user, tg_deal_activities_deal_user, ...).';

CREATE FUNCTION deals.guard_token_transaction_status() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if old.status <> 'pending'
       or new.status = 'pending'
       or (new.status = 'completed'
           and coalesce(current_setting('deals.completing_transaction', true), '') <> new.id::text) then
        raise exception using
            errcode = 'SF203',
            message = format(
                'token transaction %s cannot go from %s to %s%s', old.id, old.status, new.status,
                case when new.status = 'completed' and old.status = 'pending'
                     then ' except through deals.complete_token_transaction' else '' end
            );
    end if;
    return new;
end;
$$;

CREATE FUNCTION deals.index_auth_token_hash() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from deals.auth_token_hashes h
        where h.token = old.token
          and h.user_id = old.user_id
          and h.auth_token_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into deals.auth_token_hashes (token, user_id, auth_token_id)
        values (new.token, new.user_id, new.id);
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.index_auth_token_hash() IS 'Keeps deals.auth_token_hashes in step with the auth token a row writes, deletes or re-keys (the only writer).';

CREATE FUNCTION deals.index_deal_id() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op = 'INSERT' then
        insert into deals.deal_ids (id, user_id, shared)
        values (new.id, new.user_id, new.source::text not in ('manual', 'user'));
    elsif tg_op = 'UPDATE' then
        -- In place: a notification pointing at the deal refuses a re-key by its key's name, as it
        -- refused the deal's own re-key before 0212, rather than being set null by a delete.
        update deals.deal_ids as i set id = new.id, user_id = new.user_id
        where i.id = old.id and i.user_id = old.user_id;
    else
        delete from deals.deal_ids as i where i.id = old.id and i.user_id = old.user_id;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.index_deal_id() IS 'Keeps deals.deal_ids in step with the deal a row writes, deletes or re-keys (the only writer).';

CREATE FUNCTION deals.index_transaction_hash() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.tx_hash is not null then
        delete from deals.transaction_hashes h
        where h.tx_hash = old.tx_hash
          and h.user_id = old.user_id
          and h.transaction_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.tx_hash is not null then
        insert into deals.transaction_hashes (tx_hash, user_id, transaction_id)
        values (new.tx_hash, new.user_id, new.id);
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION deals.index_transaction_hash() IS 'Keeps deals.transaction_hashes in step with the tx_hash a token transaction writes, clears or re-keys (the only writer).';

CREATE FUNCTION deals.keep_success_rate() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    perform deals.refresh_success_rate(old.user_id);
    if new.user_id is distinct from old.user_id then
        perform deals.refresh_success_rate(new.user_id);
    end if;
    return null;
end;
$$;

CREATE FUNCTION deals.keep_success_rate_bulk() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_user uuid;
begin
    if tg_op = 'INSERT' then
        for v_user in
            select distinct user_id from inserted_goals where status in ('completed', 'failed', 'expired') order by 1
        loop
            perform deals.refresh_success_rate(v_user);
        end loop;
    else
        for v_user in
            select distinct user_id from deleted_goals where status in ('completed', 'failed', 'expired') order by 1
        loop
            perform deals.refresh_success_rate(v_user);
        end loop;
    end if;
    return null;
end;
$$;

CREATE FUNCTION deals.label(deals.dealactivitytype) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$ select $1::text $_$;

CREATE FUNCTION deals.label(deals.dealstatus) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$ select $1::text $_$;

CREATE FUNCTION deals.label(deals.marketcategory) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$ select $1::text $_$;

COMMENT ON FUNCTION deals.label(deals.marketcategory) IS 'The label of a category, as text: what generated columns store so searches under RLS compare with leakproof operators.';

CREATE FUNCTION deals.label(deals.notificationtype) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$ select $1::text $_$;

CREATE FUNCTION deals.lock_token_pricing_service() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    perform pg_advisory_xact_lock(hashtext('deals.token_pricing'), hashtext(new.service_type));
    return new;
end;
$$;

CREATE FUNCTION deals.login_password_hash(p_user_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select password from deals.users where id = p_user_id
$$;

COMMENT ON FUNCTION deals.login_password_hash(p_user_id uuid) IS 'The stored password hash of one user, for verification only (the app role cannot select the column).';

CREATE FUNCTION deals.market_api_key(p_market_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select api_key from deals.markets where id = p_market_id
$$;

COMMENT ON FUNCTION deals.market_api_key(p_market_id uuid) IS 'The api key of one market, for the sync worker (sqlfirst_worker) only: handing credentials over.';

CREATE FUNCTION deals.move_token_balance(p_user_id uuid, p_type deals.transactiontype, p_amount numeric, p_goal_id uuid) RETURNS numeric
    LANGUAGE plpgsql
    AS $$
declare
    v_change numeric(18, 8);
    v_spent numeric(18, 8);
    v_after numeric(18, 8);
    v_goal_spent numeric(18, 8);
    v_goal_max numeric(18, 8);
begin
    if p_amount is null or p_amount <= 0 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('a token amount must be positive, got %s', p_amount);
    end if;
    v_change := case p_type when 'deduction' then -p_amount else p_amount end;
    v_spent := case p_type when 'deduction' then p_amount when 'refund' then -p_amount else 0 end;

    -- Goal before user: the lock order of every path that touches both.
    if p_goal_id is not null then
        update deals.goals
        set total_tokens_spent = total_tokens_spent + v_spent
        where id = p_goal_id
          and user_id = p_user_id
        returning total_tokens_spent, max_tokens into v_goal_spent, v_goal_max;
        if not found then
            raise exception using
                errcode = 'foreign_key_violation',
                constraint = 'fk_token_transactions_goal_id',
                message = format('goal %s does not exist or is not a goal of user %s', p_goal_id, p_user_id);
        end if;
        if p_type = 'deduction' and v_goal_max is not null and v_goal_spent > v_goal_max then
            raise exception using
                errcode = 'SF202',
                message = format(
                    'goal %s may spend at most %s tokens: %s more would make %s',
                    p_goal_id, v_goal_max, p_amount, v_goal_spent
                );
        end if;
    end if;

    update deals.users
    set token_balance = token_balance + v_change,
        total_tokens_spent = total_tokens_spent + v_spent,
        total_rewards_earned = total_rewards_earned + case p_type when 'reward' then p_amount else 0 end
    where id = p_user_id
      and token_balance + v_change >= 0
    returning token_balance into v_after;

    if not found then
        perform 1 from deals.users where id = p_user_id;
        if not found then
            raise exception using
                errcode = 'SF021',
                message = format('user %s does not exist', p_user_id);
        end if;
        raise exception using
            errcode = 'SF001',
            message = format('insufficient balance: user %s cannot pay %s tokens', p_user_id, p_amount);
    end if;
    return v_after;
end;
$$;

CREATE FUNCTION deals.refresh_success_rate(p_user_id uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    -- Lock first, count after: the count then runs with a snapshot taken after any concurrent
    -- writer of this user's goals committed.
    perform 1 from deals.users where id = p_user_id for no key update;
    update deals.users
    set success_rate = coalesce(
        (
            select round(count(*) filter (where status = 'completed')::numeric / nullif(count(*), 0), 4)
            from deals.goals
            where user_id = p_user_id
              and status in ('completed', 'failed', 'expired')
        ),
        0
    )
    where id = p_user_id;
end;
$$;

CREATE FUNCTION deals.refund_tokens(p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb) RETURNS deals.token_balance_history
    LANGUAGE sql
    AS $$
    select * from deals.apply_token_change(p_user_id, 'refund', p_amount, p_description, p_goal_id, p_meta_data);
$$;

CREATE FUNCTION deals.refuse_source_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception using
        errcode = 'check_violation',
        schema = tg_table_schema,
        table = tg_table_name,
        constraint = 'ck_deals_source_unchanged',
        message = format('a deal''s source does not change (deal %s: %s, not %s)', old.id, old.source, new.source);
end;
$$;

COMMENT ON FUNCTION deals.refuse_source_change() IS 'BEFORE UPDATE OF source row trigger on deals: where a deal was found stays as it was written (its scores copy whether it is shared).';

CREATE FUNCTION deals.reward_tokens(p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb) RETURNS deals.token_balance_history
    LANGUAGE sql
    AS $$
    select * from deals.apply_token_change(p_user_id, 'reward', p_amount, p_description, p_goal_id, p_meta_data);
$$;

CREATE FUNCTION deals.track_deal_price() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'INSERT' or new.current_price is distinct from old.current_price then
        insert into deals.price_tracking (deal_id, user_id, price, currency, source, tracked_at)
        values (new.id, new.user_id, new.current_price, new.currency, new.source, clock_timestamp());
    end if;
    return null;
end;
$$;

CREATE FUNCTION devskyy.check_agent_execution_status() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if old.status <> 'running' then
        raise exception using
            errcode = 'SF042',
            message = format('agent execution %s is already %s', old.execution_id, old.status),
            detail = format('execution_id=%s from=%s to=%s', old.execution_id, old.status, new.status);
    end if;
    if new.status <> 'running' then
        new.completed_at := coalesce(new.completed_at, clock_timestamp());
    end if;
    return new;
end;
$$;

CREATE FUNCTION devskyy.check_order_status() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if not (
        old.status = 'pending' and new.status in ('processing', 'cancelled')
        or old.status = 'processing' and new.status in ('completed', 'cancelled')
    ) then
        raise exception using
            errcode = 'SF042',
            message = format('order %s cannot go from %s to %s', old.order_number, old.status, new.status),
            detail = format('order_id=%s from=%s to=%s', old.id, old.status, new.status);
    end if;
    return new;
end;
$$;

CREATE FUNCTION devskyy.check_order_subtotal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_order_ids uuid[];
    v_order_id uuid;
    v_subtotal numeric;
    v_sum numeric;
    v_count bigint;
begin
    if tg_table_name = 'orders' then
        v_order_ids := array[new.id];
    elsif tg_op = 'DELETE' then
        v_order_ids := array[old.order_id];
    elsif tg_op = 'UPDATE' and old.order_id is distinct from new.order_id then
        -- A line moved between orders: both sums changed.
        v_order_ids := array[old.order_id, new.order_id];
    else
        v_order_ids := array[new.order_id];
    end if;
    foreach v_order_id in array v_order_ids loop
        select o.subtotal into v_subtotal from devskyy.orders as o where o.id = v_order_id;
        continue when not found;  -- the order itself is gone
        select coalesce(sum(i.quantity * i.unit_price), 0), count(*) into v_sum, v_count
        from devskyy.order_items as i
        where i.order_id = v_order_id;
        if v_count = 0 or v_sum <> v_subtotal then
            raise exception using
                errcode = 'check_violation',
                constraint = 'ck_orders_subtotal_matches_items',
                schema = 'devskyy',
                table = 'orders',
                message = format(
                    'order %s: subtotal %s is not the sum of its %s items (%s)', v_order_id, v_subtotal, v_count, v_sum
                );
        end if;
    end loop;
    return null;
end;
$$;

CREATE FUNCTION devskyy.facet_key(p_facet jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    select hashtextextended(p_facet::text, 0)
$$;

COMMENT ON FUNCTION devskyy.facet_key(p_facet jsonb) IS 'The 64-bit key of a facet in devskyy.product_facets.';

CREATE FUNCTION devskyy.fill_order_customer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
begin
    -- An update (of a row written before 0196) keeps the user the order had: a deleted user's
    -- orders keep them as their customer.
    if tg_op = 'UPDATE' then
        new.customer_id := coalesce(new.user_id, old.user_id, new.id);
    else
        new.customer_id := coalesce(new.user_id, new.id);
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION devskyy.fill_order_customer() IS 'An order written without its customer gets its user, or its own id for a guest order (tg_orders_customer).';

CREATE FUNCTION devskyy.fill_order_item_customer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog'
    AS $$
declare
    v_found boolean;
begin
    -- An order written before 0196 may not carry its customer yet: it is its user, or its own id.
    select coalesce(o.customer_id, o.user_id, o.id), o.user_id, true
      into new.customer_id, new.user_id, v_found
      from devskyy.orders as o
     where o.id = new.order_id;
    if v_found is null and not row_security_active('devskyy.orders') then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'fk_order_items_order_id',
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"',
                tg_table_name, 'fk_order_items_order_id'
            ),
            detail = format('Key (order_id)=(%s) is not present in table "orders".', new.order_id);
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION devskyy.fill_order_item_customer() IS 'An order item written without its customer gets its order''s customer and user (tg_order_items_customer).';

CREATE FUNCTION devskyy.guard_catalogue_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if core.bound_by_row_security() and not devskyy.user_is_staff(core.acting_user()) then
        raise exception 'only an acting staff member or admin changes the catalogue (%)',
                        coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'products';
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION devskyy.guard_catalogue_write() IS 'BEFORE INSERT/UPDATE/DELETE on products, per statement: only staff (or a role RLS does not bind) writes the catalogue.';

CREATE FUNCTION devskyy.guard_user_role() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if row_security_active('devskyy.users')
       and (case when tg_op = 'INSERT' then new.role <> 'customer' else new.role is distinct from old.role end)
       and not devskyy.user_is_admin(core.acting_user()) then
        raise exception 'only an admin can make user % a %', new.username, new.role
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'users';
    end if;
    return new;
end;
$$;

COMMENT ON FUNCTION devskyy.guard_user_role() IS 'BEFORE INSERT/UPDATE OF role on users: under RLS only an acting admin gives a role other than customer.';

CREATE FUNCTION devskyy.hybrid_chunks(p_query text, p_embedding real[], p_limit integer) RETURNS TABLE(id uuid, document_id character varying, parent_doc_id character varying, source_path character varying, chunk_index integer, content text, metadata jsonb, score double precision)
    LANGUAGE sql STABLE
    AS $$
    with text_hits as (
        select t.id, row_number() over (order by t.rank desc, t.id) as position
        from (
            select d.id, ts_rank_cd(d.search_vector, q.query) as rank
            from devskyy.rag_documents as d,
                 websearch_to_tsquery('english'::regconfig, p_query) as q (query)
            where d.search_vector @@ q.query
            order by rank desc, d.id
            limit 50
        ) as t
    ),
    vector_hits as (
        select v.id, row_number() over (order by v.distance, v.id) as position
        from (
            select d.id, d.embedding operator(core.<=>) p_embedding::core.vector(384) as distance
            from devskyy.rag_documents as d
            where d.embedding is not null
            order by d.embedding operator(core.<=>) p_embedding::core.vector(384)
            limit 50
        ) as v
    ),
    fused as (
        select h.id, sum(1.0 / (60 + h.position))::double precision as score
        from (select * from text_hits union all select * from vector_hits) as h
        group by h.id
    )
    select d.id, d.document_id, d.parent_doc_id, d.source_path, d.chunk_index, d.content, d.metadata, f.score
    from fused as f
    join devskyy.rag_documents as d on d.id = f.id
    order by f.score desc, d.id
    limit p_limit
$$;

COMMENT ON FUNCTION devskyy.hybrid_chunks(p_query text, p_embedding real[], p_limit integer) IS 'Full-text and vector hits fused by reciprocal rank (k = 60); needs pgvector.';

CREATE FUNCTION devskyy.ingest_document(p_parent_doc_id text, p_source_path text, p_contents text[], p_embedding_model text, p_metadata jsonb, p_embeddings jsonb) RETURNS TABLE(outcome devskyy.ingest_outcome, chunks integer)
    LANGUAGE plpgsql
    AS $$
declare
    v_total integer := coalesce(cardinality(p_contents), 0);
    v_hashes text[];
    v_old record;
begin
    if v_total = 0 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('document %s has no chunks', p_parent_doc_id);
    end if;
    if p_embeddings is not null then
        if to_regtype('core.vector') is null then
            raise exception using
                errcode = 'SF043',
                message = 'this server has no pgvector (extension "vector" in schema core): embeddings cannot be stored';
        end if;
        if jsonb_typeof(p_embeddings) <> 'array' or jsonb_array_length(p_embeddings) <> v_total then
            raise exception using
                errcode = 'invalid_parameter_value',
                message = format('document %s: %s chunks need %s embeddings', p_parent_doc_id, v_total, v_total);
        end if;
    end if;
    -- One writer per document at a time: the second waits, then sees the first one's chunks.
    perform pg_advisory_xact_lock(hashtext('devskyy.rag_documents'), hashtext(p_parent_doc_id));

    select array(
        select encode(sha256(convert_to(c.content, 'UTF8')), 'hex')
        from unnest(p_contents) with ordinality as c (content, n)
        order by c.n
    ) into v_hashes;

    select array_agg(d.content_hash::text order by d.chunk_index) as hashes,
           bool_and(d.source_path is not distinct from p_source_path
                    and d.embedding_model is not distinct from p_embedding_model) as same_source,
           count(*) as n
    into v_old
    from devskyy.rag_documents as d
    where d.parent_doc_id = p_parent_doc_id;

    if v_old.n > 0 and v_old.same_source and v_old.hashes = v_hashes then
        outcome := 'unchanged'::devskyy.ingest_outcome;
        chunks := v_total;
        return next;
        return;
    end if;

    delete from devskyy.rag_documents as d where d.parent_doc_id = p_parent_doc_id;

    if p_embeddings is null then
        insert into devskyy.rag_documents (
            document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
            embedding_model, metadata
        )
        select p_parent_doc_id || '-chunk-' || (c.n - 1), p_parent_doc_id, p_source_path, c.content,
               v_hashes[c.n], c.n - 1, v_total, p_embedding_model, coalesce(p_metadata, '{}')
        from unnest(p_contents) with ordinality as c (content, n);
    else
        insert into devskyy.rag_documents (
            document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
            embedding_model, metadata, embedding
        )
        select p_parent_doc_id || '-chunk-' || (c.n - 1), p_parent_doc_id, p_source_path, c.content,
               v_hashes[c.n], c.n - 1, v_total, p_embedding_model, coalesce(p_metadata, '{}'),
               (p_embeddings -> (c.n::integer - 1))::text::core.vector(384)
        from unnest(p_contents) with ordinality as c (content, n);
    end if;

    outcome := (case when v_old.n > 0 then 'replaced' else 'created' end)::devskyy.ingest_outcome;
    chunks := v_total;
    return next;
end;
$$;

COMMENT ON FUNCTION devskyy.ingest_document(p_parent_doc_id text, p_source_path text, p_contents text[], p_embedding_model text, p_metadata jsonb, p_embeddings jsonb) IS 'Writes a document''s chunks: unchanged (same hashes) is a no-op, anything else replaces them atomically.';

CREATE FUNCTION devskyy.login_password_hash(p_user_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select password_hash from devskyy.users where id = p_user_id
$$;

COMMENT ON FUNCTION devskyy.login_password_hash(p_user_id uuid) IS 'The stored password hash of one user, for verification only (the app role cannot select the column).';

CREATE FUNCTION devskyy.metadata_facets(p_metadata jsonb) RETURNS SETOF jsonb
    LANGUAGE sql IMMUTABLE STRICT ROWS 8 PARALLEL SAFE
    AS $$
    with recursive walk (path, value) as (
        select '["metadata"]'::jsonb, p_metadata
        union all
        select case when e.key is null then w.path else w.path || to_jsonb(e.key) end, e.value
        from walk as w
        cross join lateral (
            select o.key, o.value
            from jsonb_each(case when jsonb_typeof(w.value) = 'object' then w.value end) as o
            union all
            select null, a.value
            from jsonb_array_elements(case when jsonb_typeof(w.value) = 'array' then w.value end) as a
        ) as e
    )
    -- Numbers in their shortest form: containment compares them by value (1.0 = 1), facets by text.
    select w.path || jsonb_build_array(
        case when jsonb_typeof(w.value) = 'number' then to_jsonb(trim_scale(w.value::numeric)) else w.value end
    )
    from walk as w
    where jsonb_typeof(w.value) not in ('object', 'array')
$$;

COMMENT ON FUNCTION devskyy.metadata_facets(p_metadata jsonb) IS 'Each scalar of a metadata document as ["metadata", <object keys to it>..., <scalar>] (arrays transparent).';

CREATE FUNCTION devskyy.nearest_chunks(p_embedding real[], p_limit integer) RETURNS TABLE(id uuid, document_id character varying, parent_doc_id character varying, source_path character varying, chunk_index integer, content text, metadata jsonb, distance double precision)
    LANGUAGE sql STABLE
    AS $$
    select d.id, d.document_id, d.parent_doc_id, d.source_path, d.chunk_index, d.content, d.metadata,
           d.embedding operator(core.<=>) p_embedding::core.vector(384) as distance
    from devskyy.rag_documents as d
    where d.embedding is not null
    order by d.embedding operator(core.<=>) p_embedding::core.vector(384)
    limit p_limit
$$;

COMMENT ON FUNCTION devskyy.nearest_chunks(p_embedding real[], p_limit integer) IS 'The chunks nearest to an embedding by cosine distance (HNSW); needs pgvector.';

CREATE FUNCTION devskyy.next_order_number() RETURNS text
    LANGUAGE sql
    AS $$
    select devskyy.order_number(nextval('devskyy.order_number_seq'))
$$;

CREATE FUNCTION devskyy.order_number(p_n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    select 'ORD-' || upper(lpad(to_hex(x3 # (x3 >> 16)), 8, '0'))
    from (select ((x2 # (x2 >> 16)) * 73244475) % 4294967296 as x3
          from (select ((x1 # (x1 >> 16)) * 73244475) % 4294967296 as x2
                from (select p_n % 4294967296 as x1) as a) as b) as c
$$;

CREATE FUNCTION devskyy.place_order(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) RETURNS TABLE(id uuid, order_number character varying, user_id uuid, status devskyy.order_status, total_price numeric, subtotal numeric, created_at timestamp with time zone, updated_at timestamp with time zone, metadata jsonb, items jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    -- Who called: the role set for the session (SET ROLE, as Settings.role does), else the login.
    -- A SECURITY DEFINER function changes current_user, not these.
    caller name := coalesce(nullif(current_setting('role'), 'none'), session_user);
begin
    if exists (select from pg_roles where rolname = caller and not (rolsuper or rolbypassrls))
       and p_user_id is distinct from core.acting_user() then
        raise exception 'an order is placed for the acting user (%), not for %',
                        coalesce(core.acting_user()::text, 'nobody: a guest order'), coalesce(p_user_id::text, 'a guest')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'orders';
    end if;
    return query
    select * from devskyy.place_order_as_owner(p_user_id, p_product_ids, p_quantities, p_extra_charges, p_metadata);
end;
$$;

COMMENT ON FUNCTION devskyy.place_order(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) IS 'Takes the stock and writes an order with its items, atomically, for the acting user under RLS. SF040 out of stock, SF041 not for sale.';

CREATE FUNCTION devskyy.place_order_as_owner(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) RETURNS TABLE(id uuid, order_number character varying, user_id uuid, status devskyy.order_status, total_price numeric, subtotal numeric, created_at timestamp with time zone, updated_at timestamp with time zone, metadata jsonb, items jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_order devskyy.orders;
    v_id uuid;
    v_wanted record;
    v_price numeric(10, 2);
    v_status devskyy.product_status;
    v_available integer;
    v_subtotal numeric := 0;
    v_ids uuid[] := '{}';
    v_quantities integer[] := '{}';
    v_prices numeric[] := '{}';
begin
    if coalesce(cardinality(p_product_ids), 0) = 0
        or cardinality(p_product_ids) <> coalesce(cardinality(p_quantities), 0) then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'an order needs at least one item and one quantity per product';
    end if;
    if coalesce(p_extra_charges, 0) < 0 then
        raise exception using
            errcode = 'check_violation',
            constraint = 'ck_orders_total_price_covers_subtotal',
            message = format('extra charges cannot be negative, got %s', p_extra_charges);
    end if;

    for v_wanted in
        select w.product_id, sum(w.quantity)::integer as quantity, bool_or(w.quantity is null or w.quantity <= 0) as bad
        from unnest(p_product_ids, p_quantities) as w (product_id, quantity)
        group by w.product_id
        order by w.product_id
    loop
        if v_wanted.bad or v_wanted.product_id is null then
            raise exception using
                errcode = 'check_violation',
                constraint = 'ck_order_items_quantity_positive',
                message = format('quantity of product %s must be positive', v_wanted.product_id);
        end if;
        update devskyy.products as p
        set inventory_quantity = p.inventory_quantity - v_wanted.quantity
        where p.id = v_wanted.product_id
          and p.status = 'published'
          and p.inventory_quantity >= v_wanted.quantity
        returning p.price into v_price;
        if not found then
            select p.status, p.inventory_quantity into v_status, v_available
            from devskyy.products as p
            where p.id = v_wanted.product_id;
            if not found or v_status <> 'published' then
                raise exception using
                    errcode = 'SF041',
                    message = format('product %s is not for sale (%s)', v_wanted.product_id, coalesce(v_status::text, 'unknown')),
                    detail = format('product_id=%s', v_wanted.product_id);
            end if;
            raise exception using
                errcode = 'SF040',
                message = format(
                    'out of stock: product %s has %s, the order wants %s',
                    v_wanted.product_id, v_available, v_wanted.quantity
                ),
                detail = format('product_id=%s available=%s wanted=%s', v_wanted.product_id, v_available, v_wanted.quantity);
        end if;
        v_ids := v_ids || v_wanted.product_id;
        v_quantities := v_quantities || v_wanted.quantity;
        v_prices := v_prices || v_price;
        v_subtotal := v_subtotal + v_price * v_wanted.quantity;
    end loop;

    -- The customer is the user, or for a guest the order's own id (drawn here, so the row names its
    -- customer as it is written: under Citus a row reaches its shard by it before any trigger runs).
    v_id := gen_random_uuid();
    insert into devskyy.orders (id, customer_id, user_id, total_price, subtotal, metadata)
    values (v_id, coalesce(p_user_id, v_id), p_user_id, v_subtotal + coalesce(p_extra_charges, 0), v_subtotal,
            coalesce(p_metadata, '{}'))
    returning * into v_order;

    insert into devskyy.order_items (customer_id, user_id, order_id, product_id, quantity, unit_price, created_at)
    select v_order.customer_id, v_order.user_id, v_order.id, w.product_id, w.quantity, w.unit_price,
           v_order.created_at
    from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price);

    return query
    select v_order.id, v_order.order_number, v_order.user_id, v_order.status, v_order.total_price,
           v_order.subtotal, v_order.created_at, v_order.updated_at, v_order.metadata,
           (select jsonb_agg(
                       jsonb_build_object(
                           'product_id', w.product_id, 'quantity', w.quantity, 'unit_price', w.unit_price::text
                       )
                       order by w.product_id
                   )
            from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price));
end;
$$;

COMMENT ON FUNCTION devskyy.place_order_as_owner(p_user_id uuid, p_product_ids uuid[], p_quantities integer[], p_extra_charges numeric, p_metadata jsonb) IS 'The body of devskyy.place_order, run as the owner (it takes stock from shared products); call devskyy.place_order.';

CREATE FUNCTION devskyy.product_facet_keys(p_tags text[], p_metadata jsonb) RETURNS SETOF bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    select distinct devskyy.facet_key(f.facet)
    from (
        select jsonb_build_array('tags', t.tag) from unnest(p_tags) as t (tag) where t.tag is not null
        union all
        select '["metadata"]'::jsonb
        union all
        select m.facet from devskyy.metadata_facets(p_metadata) as m (facet)
    ) as f (facet)
$$;

COMMENT ON FUNCTION devskyy.product_facet_keys(p_tags text[], p_metadata jsonb) IS 'The facet keys of a product with these tags and metadata (its rows in devskyy.product_facets).';

CREATE FUNCTION devskyy.rebuild_product_facets() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
    v_rows bigint;
begin
    -- No product changes while the rows are rebuilt; the searches wait for the commit.
    lock table devskyy.products in share mode;
    truncate devskyy.product_facets;
    insert into devskyy.product_facets (facet, status, price, product_id)
    select k.facet, p.status, p.price, p.id
    from devskyy.products as p
    cross join lateral devskyy.product_facet_keys(p.tags, p.metadata) as k (facet)
    order by 1, 2, 3, 4;
    get diagnostics v_rows = row_count;
    return v_rows;
end;
$$;

COMMENT ON FUNCTION devskyy.rebuild_product_facets() IS 'Rebuilds devskyy.product_facets from the products (after writing products with triggers off); returns the rows.';

CREATE FUNCTION devskyy.refuse_facet_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if core.bound_by_row_security() then
        raise exception 'product_facets is derived from products by its trigger: change the product instead'
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'product_facets';
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION devskyy.refuse_facet_write() IS 'BEFORE INSERT/UPDATE/DELETE on product_facets, per statement: only its sync trigger (as the owner) writes it.';

CREATE FUNCTION devskyy.restock_cancelled_order() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_item record;
begin
    for v_item in
        select i.product_id, i.quantity
        from devskyy.order_items as i
        where i.order_id = new.id
        order by i.product_id
    loop
        update devskyy.products
        set inventory_quantity = inventory_quantity + v_item.quantity
        where id = v_item.product_id;
    end loop;
    return null;
end;
$$;

CREATE FUNCTION devskyy.sync_product_facets() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from devskyy.product_facets as f
        where f.facet = any (array(select k.facet from devskyy.product_facet_keys(old.tags, old.metadata) as k (facet)))
          and f.status = old.status
          and f.price = old.price
          and f.product_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into devskyy.product_facets (facet, status, price, product_id)
        select k.facet, new.status, new.price, new.id
        from devskyy.product_facet_keys(new.tags, new.metadata) as k (facet);
    end if;
    return null;
end;
$$;

CREATE FUNCTION devskyy.user_is_admin(p_user_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select exists (select from devskyy.users
                    where id = p_user_id and is_active and role = 'admin')
$$;

COMMENT ON FUNCTION devskyy.user_is_admin(p_user_id uuid) IS 'Whether the user is an active admin: who may manage other users and give roles under RLS.';

CREATE FUNCTION devskyy.user_is_staff(p_user_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select exists (select from devskyy.users
                    where id = p_user_id and is_active and role in ('staff', 'admin'))
$$;

COMMENT ON FUNCTION devskyy.user_is_staff(p_user_id uuid) IS 'Whether the user is an active staff member or admin: who may manage the catalogue under RLS.';

CREATE TABLE easyflow.messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    conversation_id uuid,
    session_id character varying(255) NOT NULL,
    user_id uuid NOT NULL,
    content text NOT NULL,
    role easyflow.message_role NOT NULL,
    direction easyflow.message_direction,
    platform character varying(50) NOT NULL,
    platform_message_id character varying(255),
    intent character varying(100),
    entities jsonb DEFAULT '{}'::jsonb NOT NULL,
    confidence numeric(3,2),
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_messages_confidence CHECK (((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))),
    CONSTRAINT ck_messages_entities_object CHECK ((jsonb_typeof(entities) = 'object'::text)),
    CONSTRAINT ck_messages_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_messages_session_id_not_blank CHECK ((btrim((session_id)::text) <> ''::text))
)
PARTITION BY RANGE (created_at);

ALTER TABLE ONLY easyflow.messages FORCE ROW LEVEL SECURITY;

CREATE FUNCTION easyflow.append_inbound_message(p_id uuid, p_conversation_id uuid, p_session_id text, p_user_id uuid, p_content text, p_role easyflow.message_role, p_platform text, p_platform_message_id text, p_intent text, p_entities jsonb, p_confidence numeric, p_metadata jsonb, p_created_at timestamp with time zone) RETURNS easyflow.messages
    LANGUAGE plpgsql
    AS $$
declare
    v_message easyflow.messages;
    v_constraint text;
begin
    if p_platform_message_id is not null then
        v_message := easyflow.stored_inbound_message(p_user_id, p_platform, p_platform_message_id);
        if v_message.id is not null then
            return v_message;
        end if;
    end if;
    begin
        -- clock_timestamp(): messages of one conversation appended in one transaction keep their order.
        insert into easyflow.messages (
            id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id,
            intent, entities, confidence, metadata, created_at
        )
        values (
            p_id, p_conversation_id, p_session_id, p_user_id, p_content, p_role, 'inbound', p_platform,
            p_platform_message_id, p_intent, coalesce(p_entities, '{}'), p_confidence, coalesce(p_metadata, '{}'),
            coalesce(p_created_at, clock_timestamp())
        )
        returning * into v_message;
    exception when unique_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint is distinct from 'pk_message_platform_ids' then
            raise;
        end if;
        -- A concurrent delivery committed first; this statement's fresh snapshot sees its row.
        v_message := easyflow.stored_inbound_message(p_user_id, p_platform, p_platform_message_id);
        if v_message.id is null then
            -- Only a snapshot older than the winner's commit (REPEATABLE READ, SERIALIZABLE) gets here.
            raise exception using
                errcode = 'serialization_failure',
                message = format('inbound message %s of %s was stored concurrently; retry', p_platform_message_id, p_platform);
        end if;
    end;
    return v_message;
end;
$$;

COMMENT ON FUNCTION easyflow.append_inbound_message(p_id uuid, p_conversation_id uuid, p_session_id text, p_user_id uuid, p_content text, p_role easyflow.message_role, p_platform text, p_platform_message_id text, p_intent text, p_entities jsonb, p_confidence numeric, p_metadata jsonb, p_created_at timestamp with time zone) IS 'Stores an inbound message once per (user, platform, platform_message_id); returns the stored row (p_id when new).';

CREATE FUNCTION easyflow.check_platform_active() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if not exists (select 1 from easyflow.platforms p where p.id = new.platform_id and p.is_active) then
        if exists (select 1 from easyflow.platforms p where p.id = new.platform_id) then
            raise exception using
                errcode = 'SF142',
                message = format('platform %s is not active', new.platform_id);
        end if;
        -- An unknown platform is fk_integrations_platform_id's to report.
    end if;
    return new;
end;
$$;

CREATE FUNCTION easyflow.clear_conversation_sessions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (the bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    delete from easyflow.conversation_sessions;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.clear_conversation_sessions() IS 'TRUNCATE of easyflow.conversations empties the session index with it.';

CREATE FUNCTION easyflow.clear_integration_ids() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (the bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    delete from easyflow.integration_ids;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.clear_integration_ids() IS 'TRUNCATE of easyflow.integrations empties the integration id index with it.';

CREATE FUNCTION easyflow.count_conversation_messages() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_status easyflow.conversation_status;
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.conversation_id is not null then
        update easyflow.conversations
        set messages_count = messages_count - 1
        where id = old.conversation_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.conversation_id is not null then
        update easyflow.conversations
        set messages_count = messages_count + 1
        where id = new.conversation_id
        returning status into v_status;
        if v_status = 'closed' then
            raise exception using
                errcode = 'SF141',
                message = format('conversation %s is closed', new.conversation_id);
        end if;
    end if;
    return null;
end;
$$;

CREATE FUNCTION easyflow.count_conversation_messages_per_statement() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
declare
    v_conversation record;
    v_status easyflow.conversation_status;
begin
    if tg_op = 'INSERT' then
        if easyflow.messages_default_detached() then
            return null;
        end if;
        for v_conversation in
            select conversation_id, count(*)::integer as n
            from inserted_messages
            where conversation_id is not null
            group by conversation_id
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count + v_conversation.n
            where id = v_conversation.conversation_id
            returning status into v_status;
            if v_status = 'closed' then
                raise exception using
                    errcode = 'SF141',
                    message = format('conversation %s is closed', v_conversation.conversation_id);
            end if;
        end loop;
    elsif tg_op = 'UPDATE' then
        -- Each conversation changes by its rows after the statement minus its rows before: exact for
        -- any UPDATE (a row moved to another partition is in both tables, as a moved row of the
        -- UPDATE). A conversation that gains rows must be open.
        for v_conversation in
            select conversation_id, sum(n)::integer as n
            from (
                select conversation_id, 1 as n from new_messages
                union all
                select conversation_id, -1 from old_messages
            ) as rows
            where conversation_id is not null
            group by conversation_id
            having sum(n) <> 0
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count + v_conversation.n
            where id = v_conversation.conversation_id
            returning status into v_status;
            if v_conversation.n > 0 and v_status = 'closed' then
                raise exception using
                    errcode = 'SF141',
                    message = format('conversation %s is closed', v_conversation.conversation_id);
            end if;
        end loop;
    else
        for v_conversation in
            select conversation_id, count(*)::integer as n
            from deleted_messages
            where conversation_id is not null
            group by conversation_id
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count - v_conversation.n
            where id = v_conversation.conversation_id;
        end loop;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.count_conversation_messages_per_statement() IS 'conversations.messages_count for a statement''s inserted, moved or deleted messages: one update per conversation; SF141 when a closed one gains a message.';

CREATE FUNCTION easyflow.index_conversation_session() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from easyflow.conversation_sessions s
        where s.session_id = old.session_id
          and s.conversation_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into easyflow.conversation_sessions (session_id, user_id, conversation_id)
        values (new.session_id, new.user_id, new.id);
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.index_conversation_session() IS 'Keeps easyflow.conversation_sessions in step with the conversation a row starts, deletes or re-keys (the only writer).';

CREATE FUNCTION easyflow.index_integration_id() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from easyflow.integration_ids x
        where x.integration_id = old.id
          and x.user_id = old.user_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into easyflow.integration_ids (integration_id, user_id)
        values (new.id, new.user_id);
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.index_integration_id() IS 'Keeps easyflow.integration_ids in step with the integration a row connects, deletes or re-keys (the only writer).';

CREATE FUNCTION easyflow.integration_credentials(p_integration_id uuid) RETURNS TABLE(id uuid, credentials_encrypted bytea, encryption_key_id character varying)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select i.id, i.credentials_encrypted, i.encryption_key_id
      from easyflow.integrations as i
     where i.id = p_integration_id
       and i.credentials_encrypted is not null
$$;

COMMENT ON FUNCTION easyflow.integration_credentials(p_integration_id uuid) IS 'The sealed credentials of one integration, for the sync worker (sqlfirst_worker) only: handing credentials over.';

CREATE FUNCTION easyflow.key_inbound_message() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.direction = 'inbound' and old.platform_message_id is not null then
        delete from easyflow.message_platform_ids k
        where k.user_id = old.user_id
          and k.platform = old.platform
          and k.platform_message_id = old.platform_message_id
          and k.message_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.direction = 'inbound' and new.platform_message_id is not null then
        insert into easyflow.message_platform_ids (user_id, platform, platform_message_id, message_id, message_created_at)
        values (new.user_id, new.platform, new.platform_message_id, new.id, new.created_at);
    end if;
    return null;
end;
$$;

CREATE FUNCTION easyflow.lock_credentials_to_rekey(p_current_key_id text, p_after_id uuid, p_limit integer) RETURNS TABLE(id uuid, credentials_encrypted bytea, encryption_key_id character varying)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select i.id, i.credentials_encrypted, i.encryption_key_id
      from easyflow.integrations as i
     where textne(i.encryption_key_id, p_current_key_id)
       and i.id > p_after_id
     order by i.id
     limit p_limit
       for update
$$;

COMMENT ON FUNCTION easyflow.lock_credentials_to_rekey(p_current_key_id text, p_after_id uuid, p_limit integer) IS 'The next batch of sealed credentials not under the current key, row-locked: key rotation (sqlfirst_worker) only.';

CREATE FUNCTION easyflow.lock_message_conversation() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.conversation_id is not null then
        perform 1 from easyflow.conversations where id = old.conversation_id for no key update;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.conversation_id is not null then
        perform 1 from easyflow.conversations where id = new.conversation_id for no key update;
    end if;
    return null;
end;
$$;

COMMENT ON FUNCTION easyflow.lock_message_conversation() IS 'Locks the conversation(s) of an inserted, deleted or moved message before its dedupe key is written, where the per-row count did.';

CREATE FUNCTION easyflow.messages_default_detached() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    select exists (
        select 1
        from pg_class c
        where c.oid = to_regclass('easyflow.messages_default')
          and not c.relispartition
    )
$$;

CREATE FUNCTION easyflow.notify_outbound_queued() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    perform pg_notify('easyflow_send_messages', new.platform);
    return null;
end;
$$;

CREATE FUNCTION easyflow.protect_message_partitions() RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
    v_partition regclass;
    v_count integer := 0;
begin
    for v_partition in
        select c.oid::regclass
          from pg_class as c
         where c.relnamespace = 'easyflow'::regnamespace
           and c.relkind = 'r'
           and (c.oid in (select i.inhrelid from pg_inherits as i where i.inhparent = 'easyflow.messages'::regclass)
                or c.relname = 'messages_default'
                or c.relname ~ '^messages_p[0-9]{4}_[0-9]{2}$')
    loop
        execute format('revoke all on %s from sqlfirst_app, sqlfirst_readonly', v_partition);
        execute format('alter table %s enable row level security', v_partition);
        execute format('alter table %s force row level security', v_partition);
        v_count := v_count + 1;
    end loop;
    return v_count;
end;
$_$;

COMMENT ON FUNCTION easyflow.protect_message_partitions() IS 'Revokes the app and read-only roles'' grants on every partition of messages and forces RLS on it; run after partition maintenance.';

CREATE FUNCTION easyflow.set_closed_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'UPDATE' and old.status = 'closed' then
        if new.status <> 'closed' then
            raise exception using
                errcode = 'SF141',
                message = format('conversation %s is closed', old.id);
        end if;
        new.closed_at := old.closed_at;
        return new;
    end if;
    new.closed_at := case when new.status = 'closed' then now() end;
    return new;
end;
$$;

CREATE FUNCTION easyflow.set_next_sync_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    new.next_sync_at := case
        when new.last_sync_at is null then new.created_at
        else new.last_sync_at + make_interval(mins => new.sync_interval_minutes)
    end;
    return new;
end;
$$;

CREATE FUNCTION easyflow.stored_inbound_message(p_user_id uuid, p_platform text, p_platform_message_id text) RETURNS easyflow.messages
    LANGUAGE plpgsql
    AS $$
declare
    v_key easyflow.message_platform_ids;
    v_message easyflow.messages;
begin
    select k.* into v_key
    from easyflow.message_platform_ids k
    where k.user_id = p_user_id
      and k.platform = p_platform
      and k.platform_message_id = p_platform_message_id;
    if not found then
        return v_message;
    end if;
    select m.* into v_message
    from easyflow.messages m
    where m.id = v_key.message_id
      and m.created_at = v_key.message_created_at
      and m.user_id = p_user_id;
    if not found then
        delete from easyflow.message_platform_ids k
        where k.user_id = p_user_id
          and k.platform = p_platform
          and k.platform_message_id = p_platform_message_id
          and k.message_id = v_key.message_id;
    end if;
    return v_message;
end;
$$;

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

ALTER TABLE ONLY agent_hub.agents FORCE ROW LEVEL SECURITY;

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
    user_id uuid NOT NULL,
    CONSTRAINT ck_events_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_events_sequence_number_positive CHECK ((sequence_number > 0))
);

ALTER TABLE ONLY agent_hub.events FORCE ROW LEVEL SECURITY;

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
    listed boolean DEFAULT true NOT NULL,
    CONSTRAINT ck_marketplace_entries_category_not_blank CHECK ((btrim((category)::text) <> ''::text)),
    CONSTRAINT ck_marketplace_entries_download_count CHECK ((download_count >= 0)),
    CONSTRAINT ck_marketplace_entries_rating_count CHECK ((rating_count >= 0)),
    CONSTRAINT ck_marketplace_entries_rating_present CHECK (((rating IS NULL) = (rating_count = 0))),
    CONSTRAINT ck_marketplace_entries_rating_range CHECK (((rating >= (0)::double precision) AND (rating <= (5)::double precision))),
    CONSTRAINT ck_marketplace_entries_tags_array CHECK ((jsonb_typeof(tags) = 'array'::text))
);

ALTER TABLE ONLY agent_hub.marketplace_entries FORCE ROW LEVEL SECURITY;

COMMENT ON COLUMN agent_hub.marketplace_entries.listed IS 'The agent''s is_public, kept by agent_hub.guard_marketplace_entry(): only listed entries are searched.';

CREATE TABLE agent_hub.marketplace_entry_tags (
    entry_id uuid NOT NULL,
    tag text NOT NULL,
    category text NOT NULL,
    tags jsonb,
    rating double precision,
    download_count integer NOT NULL
);

COMMENT ON TABLE agent_hub.marketplace_entry_tags IS 'One row per listed marketplace entry and string tag, in search order per tag (and category); kept by agent_hub.sync_marketplace_ranking().';

COMMENT ON COLUMN agent_hub.marketplace_entry_tags.tags IS 'The entry''s tags when they take at most 1,024 bytes (they are in the indexes), else null: check them on the entry.';

CREATE TABLE agent_hub.marketplace_versions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    entry_id uuid NOT NULL,
    version integer NOT NULL,
    category character varying(100) NOT NULL,
    tags jsonb NOT NULL,
    changelog text,
    published_at timestamp with time zone NOT NULL,
    CONSTRAINT ck_marketplace_versions_version_positive CHECK ((version > 0))
);

ALTER TABLE ONLY agent_hub.marketplace_versions FORCE ROW LEVEL SECURITY;

CREATE TABLE agent_hub.session_messages (
    session_id uuid NOT NULL,
    "position" integer NOT NULL,
    message jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    user_id uuid NOT NULL,
    CONSTRAINT ck_session_messages_position CHECK (("position" >= 0))
);

ALTER TABLE ONLY agent_hub.session_messages FORCE ROW LEVEL SECURITY;

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
    message_count integer DEFAULT 0 NOT NULL,
    CONSTRAINT ck_sessions_last_event_sequence CHECK ((last_event_sequence >= 0)),
    CONSTRAINT ck_sessions_message_count CHECK ((message_count >= 0)),
    CONSTRAINT ck_sessions_state_object CHECK ((jsonb_typeof(state) = 'object'::text))
);

ALTER TABLE ONLY agent_hub.sessions FORCE ROW LEVEL SECURITY;

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
    CONSTRAINT ck_users_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT ck_users_password_hash_not_blank CHECK (((password_hash)::text <> ''::text)),
    CONSTRAINT ck_users_username_not_blank CHECK ((btrim((username)::text) <> ''::text))
);

CREATE TABLE ai_seo.agent_metrics (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agent_id uuid NOT NULL,
    metric_name character varying(50) NOT NULL,
    metric_value numeric(10,4) NOT NULL,
    metric_unit character varying(20),
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_agent_metrics_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_agent_metrics_metric_name_not_blank CHECK ((btrim((metric_name)::text) <> ''::text))
)
PARTITION BY RANGE (recorded_at);

CREATE TABLE ai_seo.agent_metrics_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agent_id uuid NOT NULL,
    metric_name character varying(50) NOT NULL,
    metric_value numeric(10,4) NOT NULL,
    metric_unit character varying(20),
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_agent_metrics_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_agent_metrics_metric_name_not_blank CHECK ((btrim((metric_name)::text) <> ''::text))
);

CREATE TABLE ai_seo.agent_tasks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    agent_id uuid NOT NULL,
    campaign_id uuid,
    user_id uuid,
    task_type character varying(50) NOT NULL,
    status ai_seo.task_status DEFAULT 'pending'::ai_seo.task_status NOT NULL,
    priority ai_seo.task_priority DEFAULT 'normal'::ai_seo.task_priority NOT NULL,
    input_data jsonb NOT NULL,
    output_data jsonb,
    error_message text,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    processing_time_ms integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    client_id uuid NOT NULL,
    CONSTRAINT ck_agent_tasks_completed_after_started CHECK ((completed_at >= started_at)),
    CONSTRAINT ck_agent_tasks_completed_at CHECK (((completed_at IS NOT NULL) = (status = ANY (ARRAY['completed'::ai_seo.task_status, 'failed'::ai_seo.task_status])))),
    CONSTRAINT ck_agent_tasks_failed_has_error CHECK (((status <> 'failed'::ai_seo.task_status) OR (error_message IS NOT NULL))),
    CONSTRAINT ck_agent_tasks_input_data_object CHECK ((jsonb_typeof(input_data) = 'object'::text)),
    CONSTRAINT ck_agent_tasks_internal_client CHECK (((campaign_id IS NOT NULL) OR (client_id = '00000000-0000-0000-0000-000000000000'::uuid))),
    CONSTRAINT ck_agent_tasks_output_data_object CHECK ((jsonb_typeof(output_data) = 'object'::text)),
    CONSTRAINT ck_agent_tasks_processing_time_ms CHECK (((processing_time_ms IS NULL) OR ((processing_time_ms >= 0) AND (status = ANY (ARRAY['completed'::ai_seo.task_status, 'failed'::ai_seo.task_status]))))),
    CONSTRAINT ck_agent_tasks_started_at CHECK (
CASE status
    WHEN 'pending'::ai_seo.task_status THEN (started_at IS NULL)
    WHEN 'cancelled'::ai_seo.task_status THEN true
    ELSE (started_at IS NOT NULL)
END),
    CONSTRAINT ck_agent_tasks_task_type_not_blank CHECK ((btrim((task_type)::text) <> ''::text))
);

COMMENT ON COLUMN ai_seo.agent_tasks.client_id IS 'The client the task works for: its campaign''s, or the nil uuid for the agency''s own work (no campaign). The distribution column under Citus (sql/ai_seo/citus.toml).';

CREATE TABLE ai_seo.agents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(100) NOT NULL,
    agent_id character varying(50) NOT NULL,
    agent_level ai_seo.agent_level NOT NULL,
    description text,
    knowledge_base_path character varying(255),
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_agents_agent_id_format CHECK (((agent_id)::text ~ '^[a-z0-9][a-z0-9_.-]*$'::text)),
    CONSTRAINT ck_agents_config_object CHECK ((jsonb_typeof(config) = 'object'::text)),
    CONSTRAINT ck_agents_name_not_blank CHECK ((btrim((name)::text) <> ''::text))
);

CREATE TABLE ai_seo.campaigns (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    client_id uuid NOT NULL,
    name character varying(200) NOT NULL,
    campaign_type character varying(50) NOT NULL,
    status ai_seo.campaign_status DEFAULT 'active'::ai_seo.campaign_status NOT NULL,
    start_date date,
    end_date date,
    budget numeric(10,2),
    objectives text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_campaigns_budget CHECK ((budget >= (0)::numeric)),
    CONSTRAINT ck_campaigns_campaign_type_not_blank CHECK ((btrim((campaign_type)::text) <> ''::text)),
    CONSTRAINT ck_campaigns_config_object CHECK ((jsonb_typeof(config) = 'object'::text)),
    CONSTRAINT ck_campaigns_end_after_start CHECK ((end_date > start_date)),
    CONSTRAINT ck_campaigns_name_not_blank CHECK ((btrim((name)::text) <> ''::text))
);

CREATE TABLE ai_seo.clients (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    company_name character varying(200) NOT NULL,
    industry character varying(100),
    website character varying(255),
    annual_revenue bigint,
    employee_count integer,
    country character varying(2) DEFAULT 'RU'::character varying NOT NULL,
    contact_person character varying(100),
    contact_email character varying(100),
    contact_phone character varying(20),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_clients_annual_revenue CHECK ((annual_revenue >= 0)),
    CONSTRAINT ck_clients_company_name_not_blank CHECK ((btrim((company_name)::text) <> ''::text)),
    CONSTRAINT ck_clients_contact_email_format CHECK (((contact_email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_clients_country_format CHECK (((country)::text ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT ck_clients_employee_count CHECK ((employee_count >= 0)),
    CONSTRAINT ck_clients_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text))
);

CREATE TABLE ai_seo.user_sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    refresh_token_hash character varying(255) NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    user_agent text,
    ip_address inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT ck_user_sessions_expires_after_created CHECK ((expires_at > created_at)),
    CONSTRAINT ck_user_sessions_refresh_token_hash_sha256 CHECK (((refresh_token_hash)::text ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT ck_user_sessions_revoked_at CHECK ((is_active = (revoked_at IS NULL)))
);

ALTER TABLE ONLY ai_seo.user_sessions FORCE ROW LEVEL SECURITY;

CREATE TABLE ai_seo.user_task_counts (
    user_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    pending bigint NOT NULL,
    in_progress bigint NOT NULL,
    completed bigint NOT NULL,
    failed bigint NOT NULL,
    cancelled bigint NOT NULL
)
WITH (fillfactor='50');

COMMENT ON TABLE ai_seo.user_task_counts IS 'Per requester and agent, the requester''s tasks in each status; kept by triggers on agent_tasks.';

CREATE TABLE ai_seo.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    username character varying(50) NOT NULL,
    email character varying(100) NOT NULL,
    password_hash character varying(255) NOT NULL,
    full_name character varying(100),
    role ai_seo.user_role DEFAULT 'operator'::ai_seo.user_role NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_login timestamp with time zone,
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_password_hash_not_blank CHECK (((password_hash)::text <> ''::text)),
    CONSTRAINT ck_users_username_not_blank CHECK ((btrim((username)::text) <> ''::text))
);

CREATE TABLE analytics.system_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    event_type character varying(50) NOT NULL,
    source character varying(50) NOT NULL,
    user_id uuid,
    agent_id uuid,
    event_data jsonb NOT NULL,
    occurred_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_system_events_event_data_object CHECK ((jsonb_typeof(event_data) = 'object'::text)),
    CONSTRAINT ck_system_events_event_type_not_blank CHECK ((btrim((event_type)::text) <> ''::text)),
    CONSTRAINT ck_system_events_source_not_blank CHECK ((btrim((source)::text) <> ''::text))
)
PARTITION BY RANGE (occurred_at);

CREATE TABLE analytics.system_events_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    event_type character varying(50) NOT NULL,
    source character varying(50) NOT NULL,
    user_id uuid,
    agent_id uuid,
    event_data jsonb NOT NULL,
    occurred_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_system_events_event_data_object CHECK ((jsonb_typeof(event_data) = 'object'::text)),
    CONSTRAINT ck_system_events_event_type_not_blank CHECK ((btrim((event_type)::text) <> ''::text)),
    CONSTRAINT ck_system_events_source_not_blank CHECK ((btrim((source)::text) <> ''::text))
);

CREATE TABLE core.database_chosen_columns (
    schema_name name NOT NULL,
    table_name name NOT NULL,
    column_name name NOT NULL
);

COMMENT ON TABLE core.database_chosen_columns IS 'Columns only the database fills (from their default): the app role may not insert or update them; core.grant_domain_privileges() grants around them.';

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

CREATE TABLE core.secret_columns (
    schema_name name NOT NULL,
    table_name name NOT NULL,
    column_name name NOT NULL
);

COMMENT ON TABLE core.secret_columns IS 'Columns no role but the owner may select; core.grant_domain_privileges() grants around them.';

CREATE TABLE deals.agents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    type deals.agenttype NOT NULL,
    status deals.agentstatus DEFAULT 'active'::deals.agentstatus NOT NULL,
    capabilities text[] DEFAULT '{}'::text[] NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_agents_config_object CHECK ((jsonb_typeof(config) = 'object'::text)),
    CONSTRAINT ck_agents_name_not_blank CHECK ((btrim((name)::text) <> ''::text))
);

CREATE TABLE deals.auth_token_hashes (
    token text NOT NULL,
    user_id uuid NOT NULL,
    auth_token_id uuid NOT NULL
);

ALTER TABLE ONLY deals.auth_token_hashes FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE deals.auth_token_hashes IS 'Every auth token hash with its user and token, unique across users; kept by tg_auth_tokens_hash on auth_tokens.';

CREATE TABLE deals.chat_messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    goal_id uuid,
    role deals.messagerole NOT NULL,
    content text NOT NULL,
    tokens_used integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_chat_messages_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_chat_messages_tokens_used CHECK ((tokens_used >= 0))
);

ALTER TABLE ONLY deals.chat_messages FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.deal_activities (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deal_id uuid NOT NULL,
    user_id uuid,
    agent_id uuid,
    activity_type deals.dealactivitytype NOT NULL,
    description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    activity_type_label text GENERATED ALWAYS AS (deals.label(activity_type)) STORED,
    deal_user_id uuid NOT NULL,
    CONSTRAINT ck_deal_activities_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text))
);

ALTER TABLE ONLY deals.deal_activities FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.deal_ids (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    shared boolean NOT NULL
);

ALTER TABLE ONLY deals.deal_ids FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE deals.deal_ids IS 'Every deal''s id with its user and whether it is shared, unique across users; kept by the tg_deals_id_index triggers on deals.';

CREATE TABLE deals.deal_scores (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deal_id uuid NOT NULL,
    score_type deals.scoretype NOT NULL,
    value numeric(5,2) NOT NULL,
    confidence numeric(5,2) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid NOT NULL,
    deal_shared boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_deal_scores_confidence CHECK (((confidence >= (0)::numeric) AND (confidence <= (100)::numeric))),
    CONSTRAINT ck_deal_scores_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_deal_scores_value CHECK (((value >= (0)::numeric) AND (value <= (100)::numeric)))
);

ALTER TABLE ONLY deals.deal_scores FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.deals (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    goal_id uuid NOT NULL,
    market_id uuid NOT NULL,
    title character varying(255) NOT NULL,
    description text,
    url text NOT NULL,
    image_url text,
    current_price numeric(10,2) NOT NULL,
    original_price numeric(10,2),
    currency character varying(3) DEFAULT 'USD'::character varying NOT NULL,
    discount_percent numeric(5,2),
    category deals.marketcategory NOT NULL,
    source deals.dealsource NOT NULL,
    status deals.dealstatus DEFAULT 'active'::deals.dealstatus NOT NULL,
    seller_name character varying(255),
    seller_rating numeric(3,2),
    availability_status character varying(50),
    shipping_info jsonb,
    product_specs jsonb,
    found_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    last_checked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    category_label text GENERATED ALWAYS AS (deals.label(category)) STORED,
    status_label text GENERATED ALWAYS AS (deals.label(status)) STORED,
    price_cents bigint GENERATED ALWAYS AS (((current_price * (100)::numeric))::bigint) STORED,
    user_id uuid NOT NULL,
    CONSTRAINT ck_deals_currency_format CHECK (((currency)::text ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT ck_deals_current_price CHECK ((current_price >= (0)::numeric)),
    CONSTRAINT ck_deals_discount_percent CHECK (((discount_percent >= (0)::numeric) AND (discount_percent <= (100)::numeric))),
    CONSTRAINT ck_deals_expires_after_found CHECK ((expires_at > found_at)),
    CONSTRAINT ck_deals_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_deals_original_price CHECK ((original_price >= (0)::numeric)),
    CONSTRAINT ck_deals_product_specs_object CHECK ((jsonb_typeof(product_specs) = 'object'::text)),
    CONSTRAINT ck_deals_seller_rating CHECK (((seller_rating >= (0)::numeric) AND (seller_rating <= (5)::numeric))),
    CONSTRAINT ck_deals_shipping_info_object CHECK ((jsonb_typeof(shipping_info) = 'object'::text)),
    CONSTRAINT ck_deals_title_not_blank CHECK ((btrim((title)::text) <> ''::text))
);

ALTER TABLE ONLY deals.deals FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.goals (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    title character varying(255) NOT NULL,
    description text,
    category deals.marketcategory NOT NULL,
    constraints jsonb DEFAULT '{}'::jsonb NOT NULL,
    status deals.goalstatus DEFAULT 'active'::deals.goalstatus NOT NULL,
    priority deals.goalpriority DEFAULT 'medium'::deals.goalpriority NOT NULL,
    start_date timestamp with time zone DEFAULT now() NOT NULL,
    end_date timestamp with time zone,
    max_budget numeric(10,2),
    min_discount_percent numeric(5,2),
    target_price numeric(10,2),
    notification_threshold numeric(5,2),
    auto_buy_threshold numeric(5,2),
    max_matches integer,
    max_tokens numeric(18,8),
    total_tokens_spent numeric(18,8) DEFAULT 0 NOT NULL,
    total_matches_found integer DEFAULT 0 NOT NULL,
    last_checked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_goals_auto_buy_threshold CHECK (((auto_buy_threshold >= (0)::numeric) AND (auto_buy_threshold <= (100)::numeric))),
    CONSTRAINT ck_goals_constraints_object CHECK ((jsonb_typeof(constraints) = 'object'::text)),
    CONSTRAINT ck_goals_end_after_start CHECK ((end_date > start_date)),
    CONSTRAINT ck_goals_max_budget CHECK ((max_budget >= (0)::numeric)),
    CONSTRAINT ck_goals_max_matches CHECK ((max_matches > 0)),
    CONSTRAINT ck_goals_max_tokens CHECK ((max_tokens >= (0)::numeric)),
    CONSTRAINT ck_goals_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_goals_min_discount_percent CHECK (((min_discount_percent >= (0)::numeric) AND (min_discount_percent <= (100)::numeric))),
    CONSTRAINT ck_goals_notification_threshold CHECK (((notification_threshold >= (0)::numeric) AND (notification_threshold <= (100)::numeric))),
    CONSTRAINT ck_goals_target_price CHECK ((target_price >= (0)::numeric)),
    CONSTRAINT ck_goals_title_not_blank CHECK ((btrim((title)::text) <> ''::text)),
    CONSTRAINT ck_goals_total_matches_found CHECK ((total_matches_found >= 0)),
    CONSTRAINT ck_goals_total_tokens_spent CHECK ((total_tokens_spent >= (0)::numeric))
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_threshold='1000');

ALTER TABLE ONLY deals.goals FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.market_data (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    symbol character varying(50) NOT NULL,
    market_type deals.marketdatatype NOT NULL,
    price numeric(20,8) NOT NULL,
    high_24h numeric(20,8),
    low_24h numeric(20,8),
    volume_24h numeric(28,8),
    change_24h numeric(20,8),
    change_percent_24h numeric(10,4),
    last_updated timestamp with time zone DEFAULT now() NOT NULL,
    source character varying(50) NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_market_data_high_low CHECK ((high_24h >= low_24h)),
    CONSTRAINT ck_market_data_low_24h CHECK ((low_24h >= (0)::numeric)),
    CONSTRAINT ck_market_data_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_market_data_price CHECK ((price >= (0)::numeric)),
    CONSTRAINT ck_market_data_source_not_blank CHECK ((btrim((source)::text) <> ''::text)),
    CONSTRAINT ck_market_data_symbol_not_blank CHECK ((btrim((symbol)::text) <> ''::text)),
    CONSTRAINT ck_market_data_volume_24h CHECK ((volume_24h >= (0)::numeric))
);

CREATE TABLE deals.markets (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    type deals.markettype NOT NULL,
    status deals.marketstatus DEFAULT 'active'::deals.marketstatus NOT NULL,
    base_url text NOT NULL,
    api_endpoint text,
    api_key text,
    rate_limit integer,
    rate_limit_window integer,
    current_rate integer DEFAULT 0 NOT NULL,
    last_rate_reset timestamp with time zone,
    error_count integer DEFAULT 0 NOT NULL,
    last_error_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    has_api_key boolean GENERATED ALWAYS AS ((api_key IS NOT NULL)) STORED NOT NULL,
    CONSTRAINT ck_markets_current_rate CHECK ((current_rate >= 0)),
    CONSTRAINT ck_markets_error_count CHECK ((error_count >= 0)),
    CONSTRAINT ck_markets_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_markets_name_not_blank CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT ck_markets_rate_limit CHECK ((rate_limit > 0)),
    CONSTRAINT ck_markets_rate_limit_window CHECK ((rate_limit_window > 0))
);

CREATE TABLE deals.model_metrics (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    model_name character varying(50) NOT NULL,
    model_version character varying(50) NOT NULL,
    accuracy numeric(5,4) NOT NULL,
    "precision" numeric(5,4) NOT NULL,
    recall numeric(5,4) NOT NULL,
    f1_score numeric(5,4) NOT NULL,
    training_duration integer NOT NULL,
    training_samples integer NOT NULL,
    validation_samples integer NOT NULL,
    hyperparameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    feature_importance jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_model_metrics_accuracy CHECK (((accuracy >= (0)::numeric) AND (accuracy <= (1)::numeric))),
    CONSTRAINT ck_model_metrics_f1_score CHECK (((f1_score >= (0)::numeric) AND (f1_score <= (1)::numeric))),
    CONSTRAINT ck_model_metrics_feature_importance_object CHECK ((jsonb_typeof(feature_importance) = 'object'::text)),
    CONSTRAINT ck_model_metrics_hyperparameters_object CHECK ((jsonb_typeof(hyperparameters) = 'object'::text)),
    CONSTRAINT ck_model_metrics_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_model_metrics_precision CHECK ((("precision" >= (0)::numeric) AND ("precision" <= (1)::numeric))),
    CONSTRAINT ck_model_metrics_recall CHECK (((recall >= (0)::numeric) AND (recall <= (1)::numeric))),
    CONSTRAINT ck_model_metrics_samples CHECK (((training_samples >= 0) AND (validation_samples >= 0))),
    CONSTRAINT ck_model_metrics_training_duration CHECK ((training_duration >= 0))
);

CREATE TABLE deals.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    type deals.notificationtype NOT NULL,
    priority deals.notificationpriority DEFAULT 'medium'::deals.notificationpriority NOT NULL,
    status deals.notificationstatus DEFAULT 'pending'::deals.notificationstatus NOT NULL,
    title character varying(255) NOT NULL,
    message text NOT NULL,
    goal_id uuid,
    deal_id uuid,
    action_url text,
    channels jsonb DEFAULT '["in_app"]'::jsonb NOT NULL,
    sent_at timestamp with time zone,
    delivered_at timestamp with time zone,
    read_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    type_label text GENERATED ALWAYS AS (deals.label(type)) STORED,
    CONSTRAINT ck_notifications_channels_array CHECK ((jsonb_typeof(channels) = 'array'::text)),
    CONSTRAINT ck_notifications_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_notifications_title_not_blank CHECK ((btrim((title)::text) <> ''::text))
);

ALTER TABLE ONLY deals.notifications FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.price_tracking (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deal_id uuid NOT NULL,
    price numeric(10,2) NOT NULL,
    currency character varying(3) DEFAULT 'USD'::character varying NOT NULL,
    source deals.dealsource NOT NULL,
    tracked_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid NOT NULL,
    deal_shared boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_price_tracking_currency_format CHECK (((currency)::text ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT ck_price_tracking_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_price_tracking_price CHECK ((price >= (0)::numeric))
)
PARTITION BY RANGE (tracked_at);

ALTER TABLE ONLY deals.price_tracking FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.price_tracking_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deal_id uuid NOT NULL,
    price numeric(10,2) NOT NULL,
    currency character varying(3) DEFAULT 'USD'::character varying NOT NULL,
    source deals.dealsource NOT NULL,
    tracked_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid NOT NULL,
    deal_shared boolean DEFAULT false NOT NULL,
    CONSTRAINT ck_price_tracking_currency_format CHECK (((currency)::text ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT ck_price_tracking_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_price_tracking_price CHECK ((price >= (0)::numeric))
);

ALTER TABLE ONLY deals.price_tracking_default FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.task_activities (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    task_id uuid NOT NULL,
    agent_id uuid,
    activity_type deals.taskactivitytype NOT NULL,
    description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid NOT NULL,
    CONSTRAINT ck_task_activities_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text))
);

ALTER TABLE ONLY deals.task_activities FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.tasks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    goal_id uuid NOT NULL,
    agent_id uuid,
    title character varying(255) NOT NULL,
    description text,
    status deals.taskstatus DEFAULT 'pending'::deals.taskstatus NOT NULL,
    priority integer DEFAULT 3 NOT NULL,
    due_date timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    user_id uuid NOT NULL,
    CONSTRAINT ck_tasks_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_tasks_priority CHECK (((priority >= 1) AND (priority <= 5))),
    CONSTRAINT ck_tasks_title_not_blank CHECK ((btrim((title)::text) <> ''::text))
);

ALTER TABLE ONLY deals.tasks FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.token_pricing (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_type character varying(50) NOT NULL,
    token_cost numeric(18,8) NOT NULL,
    min_tokens integer DEFAULT 1 NOT NULL,
    max_tokens integer,
    valid_from timestamp with time zone DEFAULT now() NOT NULL,
    valid_to timestamp with time zone,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_token_pricing_max_tokens CHECK ((max_tokens >= min_tokens)),
    CONSTRAINT ck_token_pricing_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text)),
    CONSTRAINT ck_token_pricing_min_tokens CHECK ((min_tokens >= 0)),
    CONSTRAINT ck_token_pricing_service_type_not_blank CHECK ((btrim((service_type)::text) <> ''::text)),
    CONSTRAINT ck_token_pricing_token_cost CHECK ((token_cost >= (0)::numeric)),
    CONSTRAINT ck_token_pricing_valid_to_after_valid_from CHECK ((valid_to > valid_from))
);

CREATE TABLE deals.token_transactions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    type deals.transactiontype NOT NULL,
    amount numeric(18,8) NOT NULL,
    status deals.transactionstatus DEFAULT 'pending'::deals.transactionstatus NOT NULL,
    description text,
    goal_id uuid,
    tx_hash character varying(66),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    meta_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_token_transactions_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT ck_token_transactions_meta_data_object CHECK ((jsonb_typeof(meta_data) = 'object'::text))
);

ALTER TABLE ONLY deals.token_transactions FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.transaction_hashes (
    tx_hash character varying(66) NOT NULL,
    user_id uuid NOT NULL,
    transaction_id uuid NOT NULL
);

ALTER TABLE ONLY deals.transaction_hashes FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE deals.transaction_hashes IS 'Every on-chain tx_hash with its user and token transaction, unique across users; kept by tg_token_transactions_hash on token_transactions.';

CREATE TABLE deals.user_settings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    notification_preferences jsonb DEFAULT '{}'::jsonb NOT NULL,
    ui_preferences jsonb DEFAULT '{}'::jsonb NOT NULL,
    agent_preferences jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_user_settings_agent_preferences_object CHECK ((jsonb_typeof(agent_preferences) = 'object'::text)),
    CONSTRAINT ck_user_settings_notification_preferences_object CHECK ((jsonb_typeof(notification_preferences) = 'object'::text)),
    CONSTRAINT ck_user_settings_ui_preferences_object CHECK ((jsonb_typeof(ui_preferences) = 'object'::text))
);

ALTER TABLE ONLY deals.user_settings FORCE ROW LEVEL SECURITY;

CREATE TABLE deals.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(255) NOT NULL,
    name character varying(255),
    password text NOT NULL,
    sol_address character varying(44),
    referral_code character varying(10),
    referred_by uuid,
    token_balance numeric(18,8) DEFAULT 0 NOT NULL,
    preferences jsonb DEFAULT '{}'::jsonb NOT NULL,
    status deals.userstatus DEFAULT 'active'::deals.userstatus NOT NULL,
    notification_channels jsonb DEFAULT '["in_app"]'::jsonb NOT NULL,
    email_verified boolean DEFAULT false NOT NULL,
    social_provider character varying(50),
    social_id character varying(255),
    last_payment_at timestamp with time zone,
    last_login_at timestamp with time zone,
    active_goals_count integer DEFAULT 0 NOT NULL,
    total_deals_found integer DEFAULT 0 NOT NULL,
    success_rate numeric(5,4) DEFAULT 0 NOT NULL,
    total_tokens_spent numeric(18,8) DEFAULT 0 NOT NULL,
    total_rewards_earned numeric(18,8) DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ch_positive_balance CHECK ((token_balance >= (0)::numeric)),
    CONSTRAINT ck_users_active_goals_count CHECK ((active_goals_count >= 0)),
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT ck_users_notification_channels_array CHECK ((jsonb_typeof(notification_channels) = 'array'::text)),
    CONSTRAINT ck_users_password_not_blank CHECK ((password <> ''::text)),
    CONSTRAINT ck_users_preferences_object CHECK ((jsonb_typeof(preferences) = 'object'::text)),
    CONSTRAINT ck_users_referral_code_format CHECK (((referral_code)::text ~ '^[A-Z0-9]{6,10}$'::text)),
    CONSTRAINT ck_users_referred_by_not_self CHECK ((referred_by <> id)),
    CONSTRAINT ck_users_social_pair CHECK (((social_provider IS NULL) = (social_id IS NULL))),
    CONSTRAINT ck_users_sol_address_format CHECK (((sol_address)::text ~ '^[1-9A-HJ-NP-Za-km-z]{32,44}$'::text)),
    CONSTRAINT ck_users_success_rate CHECK (((success_rate >= (0)::numeric) AND (success_rate <= (1)::numeric))),
    CONSTRAINT ck_users_total_deals_found CHECK ((total_deals_found >= 0)),
    CONSTRAINT ck_users_total_rewards_earned CHECK ((total_rewards_earned >= (0)::numeric)),
    CONSTRAINT ck_users_total_tokens_spent CHECK ((total_tokens_spent >= (0)::numeric))
);

CREATE TABLE devskyy.agent_execution_ids (
    execution_id character varying(100) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT ck_agent_execution_ids_execution_id_not_blank CHECK ((btrim((execution_id)::text) <> ''::text))
);

COMMENT ON TABLE devskyy.agent_execution_ids IS 'The unique execution_id of devskyy.agent_executions (a partitioned table cannot enforce it) and its partition key.';

CREATE TABLE devskyy.agent_executions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    execution_id character varying(100) NOT NULL,
    agent_name character varying(100) NOT NULL,
    prompt text NOT NULL,
    status devskyy.agent_execution_status DEFAULT 'running'::devskyy.agent_execution_status NOT NULL,
    result jsonb,
    tokens_used integer,
    duration_ms integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_agent_executions_agent_name_not_blank CHECK ((btrim((agent_name)::text) <> ''::text)),
    CONSTRAINT ck_agent_executions_completed_after_created CHECK ((completed_at >= created_at)),
    CONSTRAINT ck_agent_executions_completed_at CHECK (((status = 'running'::devskyy.agent_execution_status) = (completed_at IS NULL))),
    CONSTRAINT ck_agent_executions_duration_ms CHECK ((duration_ms >= 0)),
    CONSTRAINT ck_agent_executions_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_agent_executions_tokens_used CHECK ((tokens_used >= 0))
)
PARTITION BY RANGE (created_at);

CREATE TABLE devskyy.agent_executions_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    execution_id character varying(100) NOT NULL,
    agent_name character varying(100) NOT NULL,
    prompt text NOT NULL,
    status devskyy.agent_execution_status DEFAULT 'running'::devskyy.agent_execution_status NOT NULL,
    result jsonb,
    tokens_used integer,
    duration_ms integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_agent_executions_agent_name_not_blank CHECK ((btrim((agent_name)::text) <> ''::text)),
    CONSTRAINT ck_agent_executions_completed_after_created CHECK ((completed_at >= created_at)),
    CONSTRAINT ck_agent_executions_completed_at CHECK (((status = 'running'::devskyy.agent_execution_status) = (completed_at IS NULL))),
    CONSTRAINT ck_agent_executions_duration_ms CHECK ((duration_ms >= 0)),
    CONSTRAINT ck_agent_executions_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_agent_executions_tokens_used CHECK ((tokens_used >= 0))
);

CREATE TABLE devskyy.llm_round_table_results (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    result_id character varying(100) NOT NULL,
    prompt text NOT NULL,
    task_category devskyy.task_category,
    winner_provider character varying(50),
    winner_response text,
    participants jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_llm_round_table_results_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_llm_round_table_results_participants_array CHECK ((jsonb_typeof(participants) = 'array'::text)),
    CONSTRAINT ck_llm_round_table_results_winner CHECK (((winner_response IS NULL) OR (winner_provider IS NOT NULL)))
);

CREATE TABLE devskyy.order_items (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_id uuid NOT NULL,
    product_id uuid NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    customer_id uuid NOT NULL,
    user_id uuid,
    CONSTRAINT ck_order_items_quantity_positive CHECK ((quantity > 0)),
    CONSTRAINT ck_order_items_unit_price CHECK ((unit_price >= (0)::numeric)),
    CONSTRAINT ck_order_items_user_is_customer CHECK (((user_id IS NULL) OR (user_id = customer_id)))
);

ALTER TABLE ONLY devskyy.order_items FORCE ROW LEVEL SECURITY;

COMMENT ON COLUMN devskyy.order_items.customer_id IS 'The customer of the item''s order (the distribution column under Citus).';

COMMENT ON COLUMN devskyy.order_items.user_id IS 'The user of the item''s order (null for a guest''s, set null when the user is deleted): whom row-level security shows it to.';

CREATE SEQUENCE devskyy.order_number_seq
    START WITH 0
    INCREMENT BY 1
    MINVALUE 0
    MAXVALUE 4294967295
    CACHE 1;

CREATE TABLE devskyy.orders (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    order_number character varying(50) DEFAULT devskyy.next_order_number() NOT NULL,
    user_id uuid,
    status devskyy.order_status DEFAULT 'pending'::devskyy.order_status NOT NULL,
    total_price numeric(10,2) NOT NULL,
    subtotal numeric(10,2) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    customer_id uuid NOT NULL,
    CONSTRAINT ck_orders_customer_is_user CHECK (((user_id IS NULL) OR (customer_id = user_id))),
    CONSTRAINT ck_orders_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_orders_order_number_format CHECK (((order_number)::text ~ '^ORD-[0-9A-F]{8}$'::text)),
    CONSTRAINT ck_orders_subtotal CHECK ((subtotal >= (0)::numeric)),
    CONSTRAINT ck_orders_total_price_covers_subtotal CHECK ((total_price >= subtotal))
);

ALTER TABLE ONLY devskyy.orders FORCE ROW LEVEL SECURITY;

COMMENT ON COLUMN devskyy.orders.customer_id IS 'The customer the order belongs to: its user, or the order''s own id for a guest order; kept when the user is deleted. The distribution column under Citus (sql/devskyy/citus.toml).';

CREATE TABLE devskyy.product_facets (
    facet bigint NOT NULL,
    status devskyy.product_status NOT NULL,
    price numeric(10,2) NOT NULL,
    product_id uuid NOT NULL
);

COMMENT ON TABLE devskyy.product_facets IS 'Each product''s tag and metadata facets with its status and price, in search order; kept by triggers on devskyy.products.';

CREATE TABLE devskyy.products (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    sku character varying(100) NOT NULL,
    name character varying(500) NOT NULL,
    description text,
    category character varying(100),
    price numeric(10,2) NOT NULL,
    inventory_quantity integer DEFAULT 0 NOT NULL,
    status devskyy.product_status DEFAULT 'draft'::devskyy.product_status NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_products_inventory_quantity CHECK ((inventory_quantity >= 0)),
    CONSTRAINT ck_products_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_products_name_not_blank CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT ck_products_price CHECK ((price >= (0)::numeric)),
    CONSTRAINT ck_products_sku_not_blank CHECK ((btrim((sku)::text) <> ''::text))
);

CREATE TABLE devskyy.rag_documents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    document_id character varying(100) NOT NULL,
    parent_doc_id character varying(100) NOT NULL,
    source_path character varying(500),
    content text NOT NULL,
    content_hash character varying(64) NOT NULL,
    chunk_index integer NOT NULL,
    total_chunks integer NOT NULL,
    embedding_model character varying(100),
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED NOT NULL,
    embedding core.vector(384),
    CONSTRAINT ck_rag_documents_chunk_index CHECK (((chunk_index >= 0) AND (chunk_index < total_chunks))),
    CONSTRAINT ck_rag_documents_content_hash_sha256 CHECK (((content_hash)::text ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT ck_rag_documents_document_id CHECK (((document_id)::text = (((parent_doc_id)::text || '-chunk-'::text) || chunk_index))),
    CONSTRAINT ck_rag_documents_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_rag_documents_parent_doc_id_not_blank CHECK ((btrim((parent_doc_id)::text) <> ''::text))
);

CREATE TABLE devskyy.tool_executions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    correlation_id character varying(64) NOT NULL,
    tool_name character varying(128) NOT NULL,
    agent_id character varying(100),
    user_id uuid,
    inputs jsonb NOT NULL,
    output jsonb,
    status devskyy.tool_execution_status NOT NULL,
    duration_ms integer,
    error_message text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_tool_executions_correlation_id_not_blank CHECK ((btrim((correlation_id)::text) <> ''::text)),
    CONSTRAINT ck_tool_executions_duration_ms CHECK ((duration_ms >= 0)),
    CONSTRAINT ck_tool_executions_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_tool_executions_tool_name_not_blank CHECK ((btrim((tool_name)::text) <> ''::text))
)
PARTITION BY RANGE (created_at);

CREATE TABLE devskyy.tool_executions_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    correlation_id character varying(64) NOT NULL,
    tool_name character varying(128) NOT NULL,
    agent_id character varying(100),
    user_id uuid,
    inputs jsonb NOT NULL,
    output jsonb,
    status devskyy.tool_execution_status NOT NULL,
    duration_ms integer,
    error_message text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_tool_executions_correlation_id_not_blank CHECK ((btrim((correlation_id)::text) <> ''::text)),
    CONSTRAINT ck_tool_executions_duration_ms CHECK ((duration_ms >= 0)),
    CONSTRAINT ck_tool_executions_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_tool_executions_tool_name_not_blank CHECK ((btrim((tool_name)::text) <> ''::text))
);

CREATE TABLE devskyy.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(255) NOT NULL,
    username character varying(100) NOT NULL,
    password_hash character varying(255) NOT NULL,
    full_name character varying(255),
    role devskyy.user_role DEFAULT 'customer'::devskyy.user_role NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    is_verified boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_login timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT ck_users_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_users_password_hash_not_blank CHECK (((password_hash)::text <> ''::text)),
    CONSTRAINT ck_users_username_not_blank CHECK ((btrim((username)::text) <> ''::text))
);

ALTER TABLE ONLY devskyy.users FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.conversation_sessions (
    session_id character varying(255) NOT NULL,
    user_id uuid NOT NULL,
    conversation_id uuid NOT NULL
);

ALTER TABLE ONLY easyflow.conversation_sessions FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE easyflow.conversation_sessions IS 'session:{session_id}: the session''s user and conversation, unique across users; kept by tg_conversations_session on conversations.';

CREATE TABLE easyflow.conversations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    session_id character varying(255) NOT NULL,
    user_id uuid NOT NULL,
    platform character varying(50) NOT NULL,
    chat_id character varying(255),
    status easyflow.conversation_status DEFAULT 'active'::easyflow.conversation_status NOT NULL,
    current_state character varying(100) DEFAULT 'initial'::character varying NOT NULL,
    context_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    messages_count integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT ck_conversations_closed_at CHECK (((status = 'closed'::easyflow.conversation_status) = (closed_at IS NOT NULL))),
    CONSTRAINT ck_conversations_context_data_object CHECK ((jsonb_typeof(context_data) = 'object'::text)),
    CONSTRAINT ck_conversations_current_state_not_blank CHECK ((btrim((current_state)::text) <> ''::text)),
    CONSTRAINT ck_conversations_messages_count CHECK ((messages_count >= 0)),
    CONSTRAINT ck_conversations_session_id_not_blank CHECK ((btrim((session_id)::text) <> ''::text))
);

ALTER TABLE ONLY easyflow.conversations FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.integration_ids (
    integration_id uuid NOT NULL,
    user_id uuid NOT NULL
);

ALTER TABLE ONLY easyflow.integration_ids FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE easyflow.integration_ids IS 'Every integration id with its user, unique across users; kept by tg_integrations_id on integrations.';

CREATE TABLE easyflow.integrations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    platform_id character varying(50) NOT NULL,
    credentials_encrypted bytea,
    encryption_key_id character varying(255),
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    status easyflow.integration_status DEFAULT 'pending'::easyflow.integration_status NOT NULL,
    status_message text,
    last_sync_at timestamp with time zone,
    next_sync_at timestamp with time zone NOT NULL,
    sync_interval_minutes integer DEFAULT 60 NOT NULL,
    sync_claimed_at timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_integrations_connected_has_credentials CHECK (((status <> 'connected'::easyflow.integration_status) OR (credentials_encrypted IS NOT NULL))),
    CONSTRAINT ck_integrations_credentials_key CHECK (((credentials_encrypted IS NULL) = (encryption_key_id IS NULL))),
    CONSTRAINT ck_integrations_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_integrations_settings_object CHECK ((jsonb_typeof(settings) = 'object'::text)),
    CONSTRAINT ck_integrations_sync_interval_minutes CHECK ((sync_interval_minutes > 0))
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_threshold='1000');

ALTER TABLE ONLY easyflow.integrations FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.message_platform_ids (
    user_id uuid NOT NULL,
    platform character varying(50) NOT NULL,
    platform_message_id character varying(255) NOT NULL,
    message_id uuid NOT NULL,
    message_created_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY easyflow.message_platform_ids FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.messages_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    conversation_id uuid,
    session_id character varying(255) NOT NULL,
    user_id uuid NOT NULL,
    content text NOT NULL,
    role easyflow.message_role NOT NULL,
    direction easyflow.message_direction,
    platform character varying(50) NOT NULL,
    platform_message_id character varying(255),
    intent character varying(100),
    entities jsonb DEFAULT '{}'::jsonb NOT NULL,
    confidence numeric(3,2),
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_messages_confidence CHECK (((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))),
    CONSTRAINT ck_messages_entities_object CHECK ((jsonb_typeof(entities) = 'object'::text)),
    CONSTRAINT ck_messages_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_messages_session_id_not_blank CHECK ((btrim((session_id)::text) <> ''::text))
);

ALTER TABLE ONLY easyflow.messages_default FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.outbound_messages (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    conversation_id uuid,
    message_id uuid NOT NULL,
    message_created_at timestamp with time zone NOT NULL,
    platform character varying(50) NOT NULL,
    chat_id character varying(255) NOT NULL,
    status easyflow.delivery_status DEFAULT 'queued'::easyflow.delivery_status NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 5 NOT NULL,
    run_after timestamp with time zone DEFAULT now() NOT NULL,
    claimed_at timestamp with time zone,
    sent_at timestamp with time zone,
    last_error text,
    platform_message_id character varying(255),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_outbound_messages_attempts CHECK (((attempts >= 0) AND (attempts <= max_attempts))),
    CONSTRAINT ck_outbound_messages_chat_id_not_blank CHECK ((btrim((chat_id)::text) <> ''::text)),
    CONSTRAINT ck_outbound_messages_claimed_at CHECK (((status <> 'sending'::easyflow.delivery_status) OR (claimed_at IS NOT NULL))),
    CONSTRAINT ck_outbound_messages_max_attempts CHECK ((max_attempts > 0)),
    CONSTRAINT ck_outbound_messages_sent_at CHECK (((status = 'sent'::easyflow.delivery_status) = (sent_at IS NOT NULL)))
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_threshold='1000');

ALTER TABLE ONLY easyflow.outbound_messages FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.platform_metrics (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    integration_id uuid,
    platform_id character varying(50) NOT NULL,
    user_id uuid NOT NULL,
    metric_type easyflow.metric_type NOT NULL,
    metric_value numeric(15,4) NOT NULL,
    metric_unit character varying(50),
    aggregation_period character varying(20) DEFAULT 'hour'::character varying NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    period_start timestamp with time zone NOT NULL,
    period_end timestamp with time zone NOT NULL,
    attributes jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_platform_metrics_aggregation_period CHECK (((aggregation_period)::text = ANY ((ARRAY['minute'::character varying, 'hour'::character varying, 'day'::character varying])::text[]))),
    CONSTRAINT ck_platform_metrics_attributes_object CHECK ((jsonb_typeof(attributes) = 'object'::text)),
    CONSTRAINT ck_platform_metrics_period CHECK ((period_end > period_start))
);

ALTER TABLE ONLY easyflow.platform_metrics FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.platform_totals (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    platform_id character varying(50) NOT NULL,
    metric_type easyflow.metric_type NOT NULL,
    metric_value numeric(15,4) NOT NULL,
    metric_unit character varying(50),
    aggregation_period character varying(20) DEFAULT 'hour'::character varying NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    period_start timestamp with time zone NOT NULL,
    period_end timestamp with time zone NOT NULL,
    attributes jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_platform_totals_aggregation_period CHECK (((aggregation_period)::text = ANY ((ARRAY['minute'::character varying, 'hour'::character varying, 'day'::character varying])::text[]))),
    CONSTRAINT ck_platform_totals_attributes_object CHECK ((jsonb_typeof(attributes) = 'object'::text)),
    CONSTRAINT ck_platform_totals_period CHECK ((period_end > period_start))
);

ALTER TABLE ONLY easyflow.platform_totals FORCE ROW LEVEL SECURITY;

COMMENT ON TABLE easyflow.platform_totals IS 'metrics:{platform}:{date}:{hour}: platform-wide metric buckets (no tenant; the worker writes them).';

CREATE TABLE easyflow.platforms (
    id character varying(50) NOT NULL,
    name character varying(255) NOT NULL,
    display_name character varying(255) NOT NULL,
    type easyflow.platform_type NOT NULL,
    region easyflow.platform_region NOT NULL,
    capabilities text[] DEFAULT '{}'::text[] NOT NULL,
    required_credentials text[] DEFAULT '{}'::text[] NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    configuration jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_platforms_configuration_object CHECK ((jsonb_typeof(configuration) = 'object'::text)),
    CONSTRAINT ck_platforms_id_format CHECK (((id)::text ~ '^[a-z][a-z0-9_]*$'::text)),
    CONSTRAINT ck_platforms_name_not_blank CHECK (((btrim((name)::text) <> ''::text) AND (btrim((display_name)::text) <> ''::text)))
);

CREATE TABLE easyflow.sync_logs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    integration_id uuid NOT NULL,
    user_id uuid NOT NULL,
    sync_type easyflow.sync_type NOT NULL,
    status easyflow.sync_status NOT NULL,
    records_requested integer,
    records_synced integer DEFAULT 0 NOT NULL,
    records_failed integer DEFAULT 0 NOT NULL,
    errors jsonb DEFAULT '[]'::jsonb NOT NULL,
    error_message text,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    duration_seconds integer GENERATED ALWAYS AS ((floor(EXTRACT(epoch FROM (completed_at - started_at))))::integer) STORED,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT ck_sync_logs_completed_after_started CHECK ((completed_at >= started_at)),
    CONSTRAINT ck_sync_logs_completed_at CHECK (((status = 'running'::easyflow.sync_status) = (completed_at IS NULL))),
    CONSTRAINT ck_sync_logs_errors_array CHECK ((jsonb_typeof(errors) = 'array'::text)),
    CONSTRAINT ck_sync_logs_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_sync_logs_records CHECK (((records_requested >= 0) AND (records_synced >= 0) AND (records_failed >= 0)))
);

ALTER TABLE ONLY easyflow.sync_logs FORCE ROW LEVEL SECURITY;

CREATE TABLE easyflow.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    phone character varying(50),
    language_code character varying(10) DEFAULT 'ru'::character varying NOT NULL,
    timezone character varying(50) DEFAULT 'Europe/Moscow'::character varying NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_language_code_format CHECK (((language_code)::text ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'::text)),
    CONSTRAINT ck_users_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ck_users_name_not_blank CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT ck_users_timezone_not_blank CHECK ((btrim((timezone)::text) <> ''::text))
);

ALTER TABLE ONLY ai_seo.agent_metrics ATTACH PARTITION ai_seo.agent_metrics_default DEFAULT;

ALTER TABLE ONLY analytics.system_events ATTACH PARTITION analytics.system_events_default DEFAULT;

ALTER TABLE ONLY deals.price_tracking ATTACH PARTITION deals.price_tracking_default DEFAULT;

ALTER TABLE ONLY devskyy.agent_executions ATTACH PARTITION devskyy.agent_executions_default DEFAULT;

ALTER TABLE ONLY devskyy.tool_executions ATTACH PARTITION devskyy.tool_executions_default DEFAULT;

ALTER TABLE ONLY easyflow.messages ATTACH PARTITION easyflow.messages_default DEFAULT;

ALTER TABLE ONLY agent_hub.agents
    ADD CONSTRAINT pk_agents PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT pk_events PRIMARY KEY (id, user_id);

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT pk_marketplace_entries PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.marketplace_entry_tags
    ADD CONSTRAINT pk_marketplace_entry_tags PRIMARY KEY (entry_id, tag);

ALTER TABLE ONLY agent_hub.marketplace_versions
    ADD CONSTRAINT pk_marketplace_versions PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.session_messages
    ADD CONSTRAINT pk_session_messages PRIMARY KEY (session_id, "position", user_id);

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT pk_sessions PRIMARY KEY (id, user_id);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT uq_events_session_id_sequence_number UNIQUE (session_id, sequence_number, user_id);

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT uq_marketplace_entries_agent_id UNIQUE (agent_id);

ALTER TABLE ONLY agent_hub.marketplace_versions
    ADD CONSTRAINT uq_marketplace_versions_entry_id_version UNIQUE (entry_id, version);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

ALTER TABLE ONLY agent_hub.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);

ALTER TABLE ONLY ai_seo.agent_metrics
    ADD CONSTRAINT pk_agent_metrics PRIMARY KEY (id, recorded_at);

ALTER TABLE ONLY ai_seo.agent_metrics_default
    ADD CONSTRAINT agent_metrics_default_pkey PRIMARY KEY (id, recorded_at);

ALTER TABLE ONLY ai_seo.agent_tasks
    ADD CONSTRAINT pk_agent_tasks PRIMARY KEY (id, client_id);

ALTER TABLE ONLY ai_seo.agents
    ADD CONSTRAINT pk_agents PRIMARY KEY (id);

ALTER TABLE ONLY ai_seo.campaigns
    ADD CONSTRAINT pk_campaigns PRIMARY KEY (id, client_id);

ALTER TABLE ONLY ai_seo.clients
    ADD CONSTRAINT pk_clients PRIMARY KEY (id);

ALTER TABLE ONLY ai_seo.user_sessions
    ADD CONSTRAINT pk_user_sessions PRIMARY KEY (id);

ALTER TABLE ONLY ai_seo.user_task_counts
    ADD CONSTRAINT pk_user_task_counts PRIMARY KEY (user_id, agent_id);

ALTER TABLE ONLY ai_seo.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY ai_seo.agents
    ADD CONSTRAINT uq_agents_agent_id UNIQUE (agent_id);

ALTER TABLE ONLY ai_seo.user_sessions
    ADD CONSTRAINT uq_user_sessions_refresh_token_hash UNIQUE (refresh_token_hash);

ALTER TABLE ONLY ai_seo.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

ALTER TABLE ONLY ai_seo.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);

ALTER TABLE ONLY analytics.system_events
    ADD CONSTRAINT pk_system_events PRIMARY KEY (id, occurred_at);

ALTER TABLE ONLY analytics.system_events_default
    ADD CONSTRAINT system_events_default_pkey PRIMARY KEY (id, occurred_at);

ALTER TABLE ONLY core.database_chosen_columns
    ADD CONSTRAINT pk_database_chosen_columns PRIMARY KEY (schema_name, table_name, column_name);

ALTER TABLE ONLY core.partitioned_tables
    ADD CONSTRAINT pk_partitioned_tables PRIMARY KEY (parent_table);

ALTER TABLE ONLY core.secret_columns
    ADD CONSTRAINT pk_secret_columns PRIMARY KEY (schema_name, table_name, column_name);

ALTER TABLE ONLY deals.token_pricing
    ADD CONSTRAINT ex_token_pricing_service_type_validity EXCLUDE USING gist (deals.textrange((service_type)::text, (service_type)::text, '[]'::text) WITH &&, tstzrange(valid_from, valid_to, '[)'::text) WITH &&) WHERE (is_active);

ALTER TABLE ONLY deals.agents
    ADD CONSTRAINT pk_agents PRIMARY KEY (id);

ALTER TABLE ONLY deals.auth_token_hashes
    ADD CONSTRAINT pk_auth_token_hashes PRIMARY KEY (token);

ALTER TABLE ONLY deals.auth_tokens
    ADD CONSTRAINT pk_auth_tokens PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.chat_messages
    ADD CONSTRAINT pk_chat_messages PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.deal_activities
    ADD CONSTRAINT pk_deal_activities PRIMARY KEY (id, deal_user_id);

ALTER TABLE ONLY deals.deal_ids
    ADD CONSTRAINT pk_deal_ids PRIMARY KEY (id);

ALTER TABLE ONLY deals.deal_scores
    ADD CONSTRAINT pk_deal_scores PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.deals
    ADD CONSTRAINT pk_deals PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.goals
    ADD CONSTRAINT pk_goals PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.market_data
    ADD CONSTRAINT pk_market_data PRIMARY KEY (id);

ALTER TABLE ONLY deals.markets
    ADD CONSTRAINT pk_markets PRIMARY KEY (id);

ALTER TABLE ONLY deals.model_metrics
    ADD CONSTRAINT pk_model_metrics PRIMARY KEY (id);

ALTER TABLE ONLY deals.notifications
    ADD CONSTRAINT pk_notifications PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.price_tracking
    ADD CONSTRAINT pk_price_tracking PRIMARY KEY (id, tracked_at, user_id);

ALTER TABLE ONLY deals.task_activities
    ADD CONSTRAINT pk_task_activities PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.tasks
    ADD CONSTRAINT pk_tasks PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.token_balance_history
    ADD CONSTRAINT pk_token_balance_history PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.token_pricing
    ADD CONSTRAINT pk_token_pricing PRIMARY KEY (id);

ALTER TABLE ONLY deals.token_transactions
    ADD CONSTRAINT pk_token_transactions PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.transaction_hashes
    ADD CONSTRAINT pk_transaction_hashes PRIMARY KEY (tx_hash);

ALTER TABLE ONLY deals.user_settings
    ADD CONSTRAINT pk_user_settings PRIMARY KEY (id, user_id);

ALTER TABLE ONLY deals.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY deals.price_tracking_default
    ADD CONSTRAINT price_tracking_default_pkey PRIMARY KEY (id, tracked_at, user_id);

ALTER TABLE ONLY deals.auth_tokens
    ADD CONSTRAINT uq_auth_tokens_token UNIQUE (token, user_id);

ALTER TABLE ONLY deals.market_data
    ADD CONSTRAINT uq_market_data_symbol_source UNIQUE (symbol, source);

ALTER TABLE ONLY deals.user_settings
    ADD CONSTRAINT uq_user_settings_user_id UNIQUE (user_id);

ALTER TABLE ONLY deals.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

ALTER TABLE ONLY deals.users
    ADD CONSTRAINT uq_users_referral_code UNIQUE (referral_code);

ALTER TABLE ONLY deals.users
    ADD CONSTRAINT uq_users_sol_address UNIQUE (sol_address);

ALTER TABLE ONLY devskyy.agent_executions
    ADD CONSTRAINT uq_agent_executions_execution_id_created_at UNIQUE (execution_id, created_at);

ALTER TABLE ONLY devskyy.agent_executions_default
    ADD CONSTRAINT agent_executions_default_execution_id_created_at_key UNIQUE (execution_id, created_at);

ALTER TABLE ONLY devskyy.agent_executions
    ADD CONSTRAINT pk_agent_executions PRIMARY KEY (id, created_at);

ALTER TABLE ONLY devskyy.agent_executions_default
    ADD CONSTRAINT agent_executions_default_pkey PRIMARY KEY (id, created_at);

ALTER TABLE ONLY devskyy.agent_execution_ids
    ADD CONSTRAINT pk_agent_execution_ids PRIMARY KEY (execution_id);

ALTER TABLE ONLY devskyy.llm_round_table_results
    ADD CONSTRAINT pk_llm_round_table_results PRIMARY KEY (id);

ALTER TABLE ONLY devskyy.order_items
    ADD CONSTRAINT pk_order_items PRIMARY KEY (id, customer_id);

ALTER TABLE ONLY devskyy.orders
    ADD CONSTRAINT pk_orders PRIMARY KEY (id, customer_id);

ALTER TABLE ONLY devskyy.product_facets
    ADD CONSTRAINT pk_product_facets PRIMARY KEY (facet, status, price, product_id);

ALTER TABLE ONLY devskyy.products
    ADD CONSTRAINT pk_products PRIMARY KEY (id);

ALTER TABLE ONLY devskyy.rag_documents
    ADD CONSTRAINT pk_rag_documents PRIMARY KEY (id);

ALTER TABLE ONLY devskyy.tool_executions
    ADD CONSTRAINT pk_tool_executions PRIMARY KEY (id, created_at);

ALTER TABLE ONLY devskyy.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY devskyy.tool_executions_default
    ADD CONSTRAINT tool_executions_default_pkey PRIMARY KEY (id, created_at);

ALTER TABLE ONLY devskyy.agent_execution_ids
    ADD CONSTRAINT uq_agent_execution_ids_execution_id_created_at UNIQUE (execution_id, created_at);

ALTER TABLE ONLY devskyy.llm_round_table_results
    ADD CONSTRAINT uq_llm_round_table_results_result_id UNIQUE (result_id);

ALTER TABLE ONLY devskyy.order_items
    ADD CONSTRAINT uq_order_items_order_id_product_id UNIQUE (order_id, product_id, customer_id);

ALTER TABLE ONLY devskyy.orders
    ADD CONSTRAINT uq_orders_order_number UNIQUE (order_number, customer_id);

ALTER TABLE ONLY devskyy.products
    ADD CONSTRAINT uq_products_sku UNIQUE (sku);

ALTER TABLE ONLY devskyy.rag_documents
    ADD CONSTRAINT uq_rag_documents_document_id UNIQUE (document_id);

ALTER TABLE ONLY devskyy.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

ALTER TABLE ONLY devskyy.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);

ALTER TABLE ONLY easyflow.messages
    ADD CONSTRAINT pk_messages PRIMARY KEY (id, created_at, user_id);

ALTER TABLE ONLY easyflow.messages_default
    ADD CONSTRAINT messages_default_pkey PRIMARY KEY (id, created_at, user_id);

ALTER TABLE ONLY easyflow.conversation_sessions
    ADD CONSTRAINT pk_conversation_sessions PRIMARY KEY (session_id);

ALTER TABLE ONLY easyflow.conversations
    ADD CONSTRAINT pk_conversations PRIMARY KEY (id, user_id);

ALTER TABLE ONLY easyflow.integration_ids
    ADD CONSTRAINT pk_integration_ids PRIMARY KEY (integration_id);

ALTER TABLE ONLY easyflow.integrations
    ADD CONSTRAINT pk_integrations PRIMARY KEY (id, user_id);

ALTER TABLE ONLY easyflow.message_platform_ids
    ADD CONSTRAINT pk_message_platform_ids PRIMARY KEY (user_id, platform, platform_message_id);

ALTER TABLE ONLY easyflow.outbound_messages
    ADD CONSTRAINT pk_outbound_messages PRIMARY KEY (id, user_id);

ALTER TABLE ONLY easyflow.platform_metrics
    ADD CONSTRAINT pk_platform_metrics PRIMARY KEY (id, user_id);

ALTER TABLE ONLY easyflow.platform_totals
    ADD CONSTRAINT pk_platform_totals PRIMARY KEY (id);

ALTER TABLE ONLY easyflow.platforms
    ADD CONSTRAINT pk_platforms PRIMARY KEY (id);

ALTER TABLE ONLY easyflow.sync_logs
    ADD CONSTRAINT pk_sync_logs PRIMARY KEY (id, user_id);

ALTER TABLE ONLY easyflow.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);

ALTER TABLE ONLY easyflow.conversations
    ADD CONSTRAINT uq_conversations_session_id_user_id UNIQUE (session_id, user_id);

ALTER TABLE ONLY easyflow.integrations
    ADD CONSTRAINT uq_integrations_user_id_platform_id UNIQUE (user_id, platform_id);

ALTER TABLE ONLY easyflow.outbound_messages
    ADD CONSTRAINT uq_outbound_messages_user_id_message_id UNIQUE (user_id, message_id);

ALTER TABLE ONLY easyflow.platform_metrics
    ADD CONSTRAINT uq_platform_metrics_bucket UNIQUE NULLS NOT DISTINCT (platform_id, user_id, integration_id, metric_type, aggregation_period, period_start);

ALTER TABLE ONLY easyflow.platform_totals
    ADD CONSTRAINT uq_platform_totals_bucket UNIQUE (platform_id, metric_type, aggregation_period, period_start);

ALTER TABLE ONLY easyflow.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);

CREATE INDEX ix_agents_created_at_id_public ON agent_hub.agents USING btree (created_at DESC, id DESC) WHERE is_public;

CREATE INDEX ix_agents_name ON agent_hub.agents USING btree (name);

CREATE INDEX ix_agents_owner_id_is_public ON agent_hub.agents USING btree (owner_id, is_public);

CREATE INDEX ix_marketplace_entries_category_rank ON agent_hub.marketplace_entries USING btree (category, rating DESC NULLS LAST, download_count DESC, id) WHERE listed;

CREATE INDEX ix_marketplace_entries_category_rating ON agent_hub.marketplace_entries USING btree (category, rating DESC NULLS LAST);

CREATE INDEX ix_marketplace_entries_rank ON agent_hub.marketplace_entries USING btree (rating DESC NULLS LAST, download_count DESC, id) WHERE listed;

CREATE INDEX ix_marketplace_entries_tags ON agent_hub.marketplace_entries USING gin (tags jsonb_path_ops);

CREATE INDEX ix_marketplace_entry_tags_category_rank ON agent_hub.marketplace_entry_tags USING btree (tag, category, rating DESC NULLS LAST, download_count DESC, entry_id) INCLUDE (tags);

CREATE INDEX ix_marketplace_entry_tags_rank ON agent_hub.marketplace_entry_tags USING btree (tag, rating DESC NULLS LAST, download_count DESC, entry_id) INCLUDE (tags);

CREATE INDEX ix_sessions_agent_id ON agent_hub.sessions USING btree (agent_id);

CREATE INDEX ix_sessions_external_session_id ON agent_hub.sessions USING btree (external_session_id) WHERE (external_session_id IS NOT NULL);

CREATE INDEX ix_sessions_user_id_agent_id ON agent_hub.sessions USING btree (user_id, agent_id);

CREATE INDEX ix_agent_metrics_agent_id_recorded_at ON ONLY ai_seo.agent_metrics USING btree (agent_id, recorded_at DESC);

CREATE INDEX agent_metrics_default_agent_id_recorded_at_idx ON ai_seo.agent_metrics_default USING btree (agent_id, recorded_at DESC);

CREATE INDEX ix_agent_tasks_agent_id_created_at ON ai_seo.agent_tasks USING btree (agent_id, created_at DESC);

CREATE INDEX ix_agent_tasks_agent_id_pending ON ai_seo.agent_tasks USING btree (agent_id, priority DESC, created_at, id) WHERE (status = 'pending'::ai_seo.task_status);

CREATE INDEX ix_agent_tasks_agent_id_pending_count ON ai_seo.agent_tasks USING btree (agent_id) WHERE (status = 'pending'::ai_seo.task_status);

CREATE INDEX ix_agent_tasks_campaign_id ON ai_seo.agent_tasks USING btree (campaign_id) INCLUDE (agent_id, status, processing_time_ms, created_at, completed_at) WHERE (campaign_id IS NOT NULL);

CREATE INDEX ix_agent_tasks_created_at ON ai_seo.agent_tasks USING btree (created_at);

CREATE INDEX ix_agent_tasks_task_type ON ai_seo.agent_tasks USING btree (task_type);

CREATE INDEX ix_agent_tasks_user_id_created_at ON ai_seo.agent_tasks USING btree (user_id, created_at DESC, id DESC) INCLUDE (agent_id, status) WHERE (user_id IS NOT NULL);

CREATE INDEX ix_agents_agent_level_name ON ai_seo.agents USING btree (agent_level, name);

CREATE INDEX ix_agents_is_active ON ai_seo.agents USING btree (is_active);

CREATE INDEX ix_campaigns_client_id_created_at ON ai_seo.campaigns USING btree (client_id, created_at DESC, id DESC);

CREATE INDEX ix_campaigns_objectives ON ai_seo.campaigns USING gin (objectives);

CREATE INDEX ix_campaigns_status_created_at ON ai_seo.campaigns USING btree (status, created_at DESC, id DESC);

CREATE INDEX ix_clients_company_name ON ai_seo.clients USING btree (company_name, id);

CREATE INDEX ix_clients_industry ON ai_seo.clients USING btree (industry);

CREATE INDEX ix_user_sessions_expires_at ON ai_seo.user_sessions USING btree (expires_at);

CREATE INDEX ix_user_sessions_revoked_at ON ai_seo.user_sessions USING btree (revoked_at) WHERE (NOT is_active);

CREATE INDEX ix_user_sessions_user_id ON ai_seo.user_sessions USING btree (user_id);

CREATE INDEX ix_user_sessions_user_id_created_at_active ON ai_seo.user_sessions USING btree (user_id, created_at DESC, id DESC) WHERE is_active;

CREATE INDEX ix_user_sessions_user_id_expires_at_active ON ai_seo.user_sessions USING btree (user_id, expires_at) WHERE is_active;

CREATE INDEX ix_users_role_username ON ai_seo.users USING btree (role, username);

CREATE INDEX ix_system_events_event_data ON ONLY analytics.system_events USING gin (event_data jsonb_path_ops) WITH (fastupdate=off);

CREATE INDEX ix_system_events_event_type_occurred_at ON ONLY analytics.system_events USING btree (event_type, occurred_at DESC);

CREATE INDEX system_events_default_event_data_idx ON analytics.system_events_default USING gin (event_data jsonb_path_ops) WITH (fastupdate=off);

CREATE INDEX system_events_default_event_type_occurred_at_idx ON analytics.system_events_default USING btree (event_type, occurred_at DESC);

CREATE INDEX ix_agents_status ON deals.agents USING btree (status);

CREATE INDEX ix_agents_type ON deals.agents USING btree (type);

CREATE INDEX ix_auth_token_hashes_user_id ON deals.auth_token_hashes USING btree (user_id);

CREATE INDEX ix_auth_tokens_expires_at ON deals.auth_tokens USING btree (expires_at);

CREATE INDEX ix_auth_tokens_status ON deals.auth_tokens USING btree (status);

CREATE INDEX ix_auth_tokens_user ON deals.auth_tokens USING btree (user_id);

CREATE INDEX ix_auth_tokens_user_id_active ON deals.auth_tokens USING btree (user_id) WHERE (status = 'active'::deals.tokenstatus);

CREATE INDEX ix_chat_messages_goal ON deals.chat_messages USING btree (goal_id, created_at, id);

CREATE INDEX ix_chat_messages_role ON deals.chat_messages USING btree (role);

CREATE INDEX ix_chat_messages_user ON deals.chat_messages USING btree (user_id, created_at, id);

CREATE INDEX ix_deal_activities_activity_type ON deals.deal_activities USING btree (activity_type);

CREATE INDEX ix_deal_activities_agent_id_activity_type_created_at_id ON deals.deal_activities USING btree (agent_id, activity_type, created_at, id);

CREATE INDEX ix_deal_activities_agent_id_created_at_id ON deals.deal_activities USING btree (agent_id, created_at, id);

CREATE INDEX ix_deal_activities_created_at ON deals.deal_activities USING btree (created_at);

CREATE INDEX ix_deal_activities_deal_id ON deals.deal_activities USING btree (deal_id, created_at);

CREATE INDEX ix_deal_activities_user_id_activity_type_label_created_at_id ON deals.deal_activities USING btree (user_id, activity_type_label, created_at, id);

CREATE INDEX ix_deal_activities_user_id_created_at_id ON deals.deal_activities USING btree (user_id, created_at, id);

CREATE INDEX ix_deal_ids_user_id ON deals.deal_ids USING btree (user_id);

CREATE INDEX ix_deal_scores_created_at ON deals.deal_scores USING btree (created_at);

CREATE INDEX ix_deal_scores_deal_id ON deals.deal_scores USING btree (deal_id);

CREATE INDEX ix_deal_scores_score_type ON deals.deal_scores USING btree (score_type);

CREATE INDEX ix_deals_category ON deals.deals USING btree (category);

CREATE INDEX ix_deals_category_label_status_label_price_cents_id ON deals.deals USING btree (category_label, status_label, price_cents, id);

CREATE INDEX ix_deals_expires_at_active ON deals.deals USING btree (expires_at) WHERE ((status = 'active'::deals.dealstatus) AND (expires_at IS NOT NULL));

CREATE INDEX ix_deals_goal_status ON deals.deals USING btree (goal_id, status);

CREATE INDEX ix_deals_market_id_status_label_found_at_id ON deals.deals USING btree (market_id, status_label, found_at DESC, id DESC);

CREATE INDEX ix_deals_product_specs ON deals.deals USING gin (product_specs jsonb_path_ops);

CREATE INDEX ix_deals_source ON deals.deals USING btree (source);

CREATE INDEX ix_deals_url ON deals.deals USING btree (url);

CREATE INDEX ix_goals_category ON deals.goals USING btree (category);

CREATE INDEX ix_goals_category_max_budget_active ON deals.goals USING btree (category, max_budget) WHERE (status = 'active'::deals.goalstatus);

CREATE INDEX ix_goals_category_priority_created_at_id_active ON deals.goals USING btree (category, priority, created_at, id) WHERE (status = 'active'::deals.goalstatus);

CREATE INDEX ix_goals_end_date_open ON deals.goals USING btree (end_date) WHERE ((status = ANY (ARRAY['active'::deals.goalstatus, 'paused'::deals.goalstatus])) AND (end_date IS NOT NULL));

CREATE INDEX ix_goals_last_checked_at_active ON deals.goals USING btree (last_checked_at NULLS FIRST, id) WHERE (status = 'active'::deals.goalstatus);

CREATE INDEX ix_goals_priority ON deals.goals USING btree (priority);

CREATE INDEX ix_goals_user_status ON deals.goals USING btree (user_id, status);

CREATE INDEX ix_market_data_last_updated ON deals.market_data USING btree (last_updated);

CREATE INDEX ix_market_data_market_type ON deals.market_data USING btree (market_type);

CREATE INDEX ix_markets_name ON deals.markets USING btree (name);

CREATE INDEX ix_markets_type_status ON deals.markets USING btree (type, status);

CREATE INDEX ix_model_metrics_created ON deals.model_metrics USING btree (created_at);

CREATE INDEX ix_model_metrics_model_name_created_at ON deals.model_metrics USING btree (model_name, created_at DESC);

CREATE INDEX ix_model_metrics_name_version ON deals.model_metrics USING btree (model_name, model_version);

CREATE INDEX ix_notifications_deal_id ON deals.notifications USING btree (deal_id) WHERE (deal_id IS NOT NULL);

CREATE INDEX ix_notifications_goal_id ON deals.notifications USING btree (goal_id) WHERE (goal_id IS NOT NULL);

CREATE INDEX ix_notifications_priority ON deals.notifications USING btree (priority);

CREATE INDEX ix_notifications_type ON deals.notifications USING btree (type);

CREATE INDEX ix_notifications_user_id_created_at_id ON deals.notifications USING btree (user_id, created_at, id);

CREATE INDEX ix_notifications_user_id_created_at_unread ON deals.notifications USING btree (user_id, created_at DESC, id DESC) WHERE (read_at IS NULL);

CREATE INDEX ix_notifications_user_id_type_label_created_at_id ON deals.notifications USING btree (user_id, type_label, created_at, id);

CREATE INDEX ix_notifications_user_status ON deals.notifications USING btree (user_id, status);

CREATE INDEX ix_price_tracking_deal ON ONLY deals.price_tracking USING btree (deal_id, tracked_at);

CREATE INDEX ix_price_tracking_source ON ONLY deals.price_tracking USING btree (source);

CREATE INDEX ix_task_activities_activity_type ON deals.task_activities USING btree (activity_type);

CREATE INDEX ix_task_activities_agent_id ON deals.task_activities USING btree (agent_id);

CREATE INDEX ix_task_activities_created_at ON deals.task_activities USING btree (created_at);

CREATE INDEX ix_task_activities_task_id ON deals.task_activities USING btree (task_id, created_at);

CREATE INDEX ix_tasks_agent_id ON deals.tasks USING btree (agent_id);

CREATE INDEX ix_tasks_agent_id_status_priority_due_date_created_at_id ON deals.tasks USING btree (agent_id, status, priority, due_date, created_at, id);

CREATE INDEX ix_tasks_due_date ON deals.tasks USING btree (due_date);

CREATE INDEX ix_tasks_goal_id ON deals.tasks USING btree (goal_id);

CREATE INDEX ix_tasks_priority ON deals.tasks USING btree (priority);

CREATE INDEX ix_tasks_status ON deals.tasks USING btree (status);

CREATE INDEX ix_token_balance_history_transaction_id ON deals.token_balance_history USING btree (transaction_id) WHERE (transaction_id IS NOT NULL);

CREATE INDEX ix_token_balance_history_type ON deals.token_balance_history USING btree (change_type);

CREATE INDEX ix_token_balance_history_user ON deals.token_balance_history USING btree (user_id, created_at);

CREATE INDEX ix_token_pricing_active ON deals.token_pricing USING btree (is_active);

CREATE INDEX ix_token_pricing_service ON deals.token_pricing USING btree (service_type);

CREATE INDEX ix_token_pricing_validity ON deals.token_pricing USING btree (valid_from, valid_to);

CREATE INDEX ix_token_transactions_goal_id ON deals.token_transactions USING btree (goal_id) WHERE (goal_id IS NOT NULL);

CREATE INDEX ix_token_transactions_hash ON deals.token_transactions USING btree (tx_hash);

CREATE INDEX ix_token_transactions_status ON deals.token_transactions USING btree (status);

CREATE INDEX ix_token_transactions_type ON deals.token_transactions USING btree (type);

CREATE INDEX ix_token_transactions_user ON deals.token_transactions USING btree (user_id, created_at);

CREATE INDEX ix_transaction_hashes_user_id ON deals.transaction_hashes USING btree (user_id);

CREATE INDEX ix_users_email_status ON deals.users USING btree (email, status);

CREATE INDEX ix_users_referred_by ON deals.users USING btree (referred_by) WHERE (referred_by IS NOT NULL);

CREATE INDEX ix_users_status_created_at_id ON deals.users USING btree (status, created_at, id);

CREATE INDEX price_tracking_default_deal_id_tracked_at_idx ON deals.price_tracking_default USING btree (deal_id, tracked_at);

CREATE INDEX price_tracking_default_source_idx ON deals.price_tracking_default USING btree (source);

CREATE UNIQUE INDEX uq_token_transactions_tx_hash ON deals.token_transactions USING btree (tx_hash, user_id);

CREATE UNIQUE INDEX uq_users_social_provider_social_id ON deals.users USING btree (social_provider, social_id);

CREATE INDEX ix_agent_executions_agent_name_created_at_id ON ONLY devskyy.agent_executions USING btree (agent_name, created_at, id);

CREATE INDEX agent_executions_default_agent_name_created_at_id_idx ON devskyy.agent_executions_default USING btree (agent_name, created_at, id);

CREATE INDEX ix_agent_executions_created_at ON ONLY devskyy.agent_executions USING brin (created_at) WITH (pages_per_range='8', autosummarize='on');

CREATE INDEX agent_executions_default_created_at_idx ON devskyy.agent_executions_default USING brin (created_at) WITH (pages_per_range='8', autosummarize='on');

CREATE INDEX ix_agent_executions_status_created_at ON ONLY devskyy.agent_executions USING btree (status, created_at);

CREATE INDEX agent_executions_default_status_created_at_idx ON devskyy.agent_executions_default USING btree (status, created_at);

CREATE INDEX ix_llm_round_table_results_created_at ON devskyy.llm_round_table_results USING btree (created_at) INCLUDE (task_category, winner_provider);

CREATE INDEX ix_llm_round_table_results_task_category_created_at ON devskyy.llm_round_table_results USING btree (task_category, created_at);

CREATE INDEX ix_order_items_product_id ON devskyy.order_items USING btree (product_id);

CREATE INDEX ix_order_items_user_id ON devskyy.order_items USING btree (user_id) WHERE (user_id IS NOT NULL);

CREATE INDEX ix_orders_status_created_at ON devskyy.orders USING btree (status, created_at);

CREATE INDEX ix_orders_user_id_created_at ON devskyy.orders USING btree (user_id, created_at DESC, id DESC);

CREATE INDEX ix_products_metadata ON devskyy.products USING gin (metadata jsonb_path_ops);

CREATE INDEX ix_products_status_category_price ON devskyy.products USING btree (status, category, price, id);

CREATE INDEX ix_products_status_price ON devskyy.products USING btree (status, price, id);

CREATE INDEX ix_products_tags ON devskyy.products USING gin (tags);

CREATE INDEX ix_rag_documents_content_hash ON devskyy.rag_documents USING btree (content_hash);

CREATE INDEX ix_rag_documents_embedding ON devskyy.rag_documents USING hnsw (embedding core.vector_cosine_ops);

CREATE INDEX ix_rag_documents_parent_doc_id_chunk_index ON devskyy.rag_documents USING btree (parent_doc_id, chunk_index);

CREATE INDEX ix_rag_documents_search_vector ON devskyy.rag_documents USING gin (search_vector) WITH (fastupdate=off);

CREATE INDEX ix_rag_documents_source_path_content_hash ON devskyy.rag_documents USING btree (source_path, content_hash);

CREATE INDEX ix_tool_executions_correlation_id_created_at ON ONLY devskyy.tool_executions USING btree (correlation_id, created_at);

CREATE INDEX ix_tool_executions_status_created_at ON ONLY devskyy.tool_executions USING btree (status, created_at);

CREATE INDEX ix_tool_executions_tool_name_created_at ON ONLY devskyy.tool_executions USING btree (tool_name, created_at);

CREATE INDEX ix_tool_executions_tool_name_created_at_failed ON ONLY devskyy.tool_executions USING btree (tool_name, created_at) WHERE (status <> 'success'::devskyy.tool_execution_status);

CREATE INDEX ix_tool_executions_user_id ON ONLY devskyy.tool_executions USING btree (user_id) WHERE (user_id IS NOT NULL);

CREATE INDEX ix_users_created_at_id_active ON devskyy.users USING btree (created_at, id) WHERE is_active;

CREATE INDEX ix_users_role ON devskyy.users USING btree (role);

CREATE INDEX tool_executions_default_correlation_id_created_at_idx ON devskyy.tool_executions_default USING btree (correlation_id, created_at);

CREATE INDEX tool_executions_default_status_created_at_idx ON devskyy.tool_executions_default USING btree (status, created_at);

CREATE INDEX tool_executions_default_tool_name_created_at_idx ON devskyy.tool_executions_default USING btree (tool_name, created_at);

CREATE INDEX tool_executions_default_tool_name_created_at_idx1 ON devskyy.tool_executions_default USING btree (tool_name, created_at) WHERE (status <> 'success'::devskyy.tool_execution_status);

CREATE INDEX tool_executions_default_user_id_idx ON devskyy.tool_executions_default USING btree (user_id) WHERE (user_id IS NOT NULL);

CREATE INDEX ix_conversation_sessions_user_id ON easyflow.conversation_sessions USING btree (user_id);

CREATE INDEX ix_conversations_context_data ON easyflow.conversations USING gin (context_data jsonb_path_ops);

CREATE INDEX ix_conversations_platform_chat_id ON easyflow.conversations USING btree (platform, chat_id);

CREATE INDEX ix_conversations_status ON easyflow.conversations USING btree (status);

CREATE INDEX ix_conversations_updated_at ON easyflow.conversations USING btree (updated_at);

CREATE INDEX ix_conversations_updated_at_escalated ON easyflow.conversations USING btree (updated_at, id) WHERE (status = 'escalated'::easyflow.conversation_status);

CREATE INDEX ix_conversations_user_id_updated_at ON easyflow.conversations USING btree (user_id, updated_at DESC, id DESC);

CREATE INDEX ix_integration_ids_user_id ON easyflow.integration_ids USING btree (user_id);

CREATE INDEX ix_integrations_next_sync_at_connected ON easyflow.integrations USING btree (next_sync_at) WHERE ((status = 'connected'::easyflow.integration_status) AND (sync_claimed_at IS NULL));

CREATE INDEX ix_integrations_platform_id ON easyflow.integrations USING btree (platform_id);

CREATE INDEX ix_integrations_settings ON easyflow.integrations USING gin (settings jsonb_path_ops);

CREATE INDEX ix_integrations_status ON easyflow.integrations USING btree (status);

CREATE INDEX ix_message_platform_ids_message_created_at ON easyflow.message_platform_ids USING btree (message_created_at);

CREATE INDEX ix_messages_conversation_id_created_at_id ON ONLY easyflow.messages USING btree (conversation_id, created_at DESC, id DESC);

CREATE INDEX ix_messages_created_at ON ONLY easyflow.messages USING btree (created_at);

CREATE INDEX ix_messages_entities ON ONLY easyflow.messages USING gin (entities jsonb_path_ops);

CREATE INDEX ix_messages_intent ON ONLY easyflow.messages USING btree (intent);

CREATE INDEX ix_messages_platform_platform_message_id ON ONLY easyflow.messages USING btree (platform, platform_message_id);

CREATE INDEX ix_messages_session_id ON ONLY easyflow.messages USING btree (session_id);

CREATE INDEX ix_messages_user_id_created_at ON ONLY easyflow.messages USING btree (user_id, created_at);

CREATE INDEX ix_outbound_messages_claimed_at_in_flight ON easyflow.outbound_messages USING btree (claimed_at) WHERE ((status = 'sending'::easyflow.delivery_status) AND (claimed_at IS NOT NULL));

CREATE INDEX ix_outbound_messages_conversation_id ON easyflow.outbound_messages USING btree (conversation_id) WHERE (conversation_id IS NOT NULL);

CREATE INDEX ix_outbound_messages_platform ON easyflow.outbound_messages USING btree (platform);

CREATE INDEX ix_outbound_messages_run_after_waiting ON easyflow.outbound_messages USING btree (run_after) WHERE (status = ANY (ARRAY['queued'::easyflow.delivery_status, 'failed'::easyflow.delivery_status]));

CREATE INDEX ix_outbound_messages_updated_at_dead ON easyflow.outbound_messages USING btree (updated_at) WHERE (status = 'dead'::easyflow.delivery_status);

CREATE INDEX ix_platform_metrics_integration_id_period_start ON easyflow.platform_metrics USING btree (integration_id, period_start);

CREATE INDEX ix_platform_metrics_metric_type_recorded_at ON easyflow.platform_metrics USING btree (metric_type, recorded_at);

CREATE INDEX ix_platform_metrics_platform_id ON easyflow.platform_metrics USING btree (platform_id);

CREATE INDEX ix_platform_metrics_user_id_metric_type_period_start ON easyflow.platform_metrics USING btree (user_id, metric_type, period_start);

CREATE INDEX ix_platform_metrics_user_id_recorded_at ON easyflow.platform_metrics USING btree (user_id, recorded_at);

CREATE INDEX ix_sync_logs_integration_id_started_at ON easyflow.sync_logs USING btree (integration_id, started_at);

CREATE INDEX ix_sync_logs_started_at ON easyflow.sync_logs USING btree (started_at);

CREATE INDEX ix_sync_logs_started_at_running ON easyflow.sync_logs USING btree (started_at) WHERE (status = 'running'::easyflow.sync_status);

CREATE INDEX ix_users_created_at ON easyflow.users USING btree (created_at);

CREATE INDEX ix_users_is_active ON easyflow.users USING btree (is_active);

CREATE INDEX messages_default_conversation_id_created_at_id_idx ON easyflow.messages_default USING btree (conversation_id, created_at DESC, id DESC);

CREATE INDEX messages_default_created_at_idx ON easyflow.messages_default USING btree (created_at);

CREATE INDEX messages_default_entities_idx ON easyflow.messages_default USING gin (entities jsonb_path_ops);

CREATE INDEX messages_default_intent_idx ON easyflow.messages_default USING btree (intent);

CREATE INDEX messages_default_platform_platform_message_id_idx ON easyflow.messages_default USING btree (platform, platform_message_id);

CREATE INDEX messages_default_session_id_idx ON easyflow.messages_default USING btree (session_id);

CREATE INDEX messages_default_user_id_created_at_idx ON easyflow.messages_default USING btree (user_id, created_at);

ALTER INDEX ai_seo.ix_agent_metrics_agent_id_recorded_at ATTACH PARTITION ai_seo.agent_metrics_default_agent_id_recorded_at_idx;

ALTER INDEX ai_seo.pk_agent_metrics ATTACH PARTITION ai_seo.agent_metrics_default_pkey;

ALTER INDEX analytics.ix_system_events_event_data ATTACH PARTITION analytics.system_events_default_event_data_idx;

ALTER INDEX analytics.ix_system_events_event_type_occurred_at ATTACH PARTITION analytics.system_events_default_event_type_occurred_at_idx;

ALTER INDEX analytics.pk_system_events ATTACH PARTITION analytics.system_events_default_pkey;

ALTER INDEX deals.ix_price_tracking_deal ATTACH PARTITION deals.price_tracking_default_deal_id_tracked_at_idx;

ALTER INDEX deals.pk_price_tracking ATTACH PARTITION deals.price_tracking_default_pkey;

ALTER INDEX deals.ix_price_tracking_source ATTACH PARTITION deals.price_tracking_default_source_idx;

ALTER INDEX devskyy.ix_agent_executions_agent_name_created_at_id ATTACH PARTITION devskyy.agent_executions_default_agent_name_created_at_id_idx;

ALTER INDEX devskyy.ix_agent_executions_created_at ATTACH PARTITION devskyy.agent_executions_default_created_at_idx;

ALTER INDEX devskyy.uq_agent_executions_execution_id_created_at ATTACH PARTITION devskyy.agent_executions_default_execution_id_created_at_key;

ALTER INDEX devskyy.pk_agent_executions ATTACH PARTITION devskyy.agent_executions_default_pkey;

ALTER INDEX devskyy.ix_agent_executions_status_created_at ATTACH PARTITION devskyy.agent_executions_default_status_created_at_idx;

ALTER INDEX devskyy.ix_tool_executions_correlation_id_created_at ATTACH PARTITION devskyy.tool_executions_default_correlation_id_created_at_idx;

ALTER INDEX devskyy.pk_tool_executions ATTACH PARTITION devskyy.tool_executions_default_pkey;

ALTER INDEX devskyy.ix_tool_executions_status_created_at ATTACH PARTITION devskyy.tool_executions_default_status_created_at_idx;

ALTER INDEX devskyy.ix_tool_executions_tool_name_created_at ATTACH PARTITION devskyy.tool_executions_default_tool_name_created_at_idx;

ALTER INDEX devskyy.ix_tool_executions_tool_name_created_at_failed ATTACH PARTITION devskyy.tool_executions_default_tool_name_created_at_idx1;

ALTER INDEX devskyy.ix_tool_executions_user_id ATTACH PARTITION devskyy.tool_executions_default_user_id_idx;

ALTER INDEX easyflow.ix_messages_conversation_id_created_at_id ATTACH PARTITION easyflow.messages_default_conversation_id_created_at_id_idx;

ALTER INDEX easyflow.ix_messages_created_at ATTACH PARTITION easyflow.messages_default_created_at_idx;

ALTER INDEX easyflow.ix_messages_entities ATTACH PARTITION easyflow.messages_default_entities_idx;

ALTER INDEX easyflow.ix_messages_intent ATTACH PARTITION easyflow.messages_default_intent_idx;

ALTER INDEX easyflow.pk_messages ATTACH PARTITION easyflow.messages_default_pkey;

ALTER INDEX easyflow.ix_messages_platform_platform_message_id ATTACH PARTITION easyflow.messages_default_platform_platform_message_id_idx;

ALTER INDEX easyflow.ix_messages_session_id ATTACH PARTITION easyflow.messages_default_session_id_idx;

ALTER INDEX easyflow.ix_messages_user_id_created_at ATTACH PARTITION easyflow.messages_default_user_id_created_at_idx;

CREATE TRIGGER tg_agents_marketplace_listing AFTER UPDATE OF is_public ON agent_hub.agents FOR EACH ROW WHEN ((old.is_public IS DISTINCT FROM new.is_public)) EXECUTE FUNCTION agent_hub.sync_marketplace_listing();

CREATE TRIGGER tg_agents_updated_at BEFORE UPDATE ON agent_hub.agents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_events_user BEFORE INSERT ON agent_hub.events FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION agent_hub.fill_event_user();

CREATE TRIGGER tg_marketplace_entries_guard BEFORE INSERT OR UPDATE ON agent_hub.marketplace_entries FOR EACH ROW EXECUTE FUNCTION agent_hub.guard_marketplace_entry();

CREATE TRIGGER tg_marketplace_entries_ranking AFTER INSERT OR DELETE OR UPDATE ON agent_hub.marketplace_entries FOR EACH ROW EXECUTE FUNCTION agent_hub.sync_marketplace_ranking();

CREATE TRIGGER tg_marketplace_entries_version_insert AFTER INSERT ON agent_hub.marketplace_entries FOR EACH ROW EXECUTE FUNCTION agent_hub.record_marketplace_version();

CREATE TRIGGER tg_marketplace_entries_version_update AFTER UPDATE OF category, tags, changelog, published_at ON agent_hub.marketplace_entries FOR EACH ROW WHEN (((old.published_at IS DISTINCT FROM new.published_at) OR (old.changelog IS DISTINCT FROM new.changelog) OR ((old.category)::text IS DISTINCT FROM (new.category)::text) OR (old.tags IS DISTINCT FROM new.tags))) EXECUTE FUNCTION agent_hub.record_marketplace_version();

CREATE TRIGGER tg_session_messages_append_only BEFORE DELETE OR UPDATE OF session_id, "position", message, created_at ON agent_hub.session_messages FOR EACH STATEMENT EXECUTE FUNCTION agent_hub.refuse_session_message_change();

CREATE TRIGGER tg_sessions_agent_visible BEFORE INSERT OR UPDATE ON agent_hub.sessions FOR EACH ROW EXECUTE FUNCTION agent_hub.check_session_agent();

CREATE TRIGGER tg_sessions_history_guard BEFORE INSERT OR UPDATE OF message_history, message_count ON agent_hub.sessions FOR EACH ROW EXECUTE FUNCTION agent_hub.guard_session_history();

CREATE TRIGGER tg_sessions_initial_messages AFTER INSERT ON agent_hub.sessions REFERENCING NEW TABLE AS new_sessions FOR EACH STATEMENT EXECUTE FUNCTION agent_hub.insert_initial_session_messages();

CREATE TRIGGER tg_sessions_updated_at BEFORE UPDATE ON agent_hub.sessions FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_guard_own_row BEFORE DELETE OR UPDATE ON agent_hub.users FOR EACH ROW EXECUTE FUNCTION core.guard_own_row('id');

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON agent_hub.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_agent_tasks_client BEFORE INSERT ON ai_seo.agent_tasks FOR EACH ROW WHEN ((new.client_id IS NULL)) EXECUTE FUNCTION ai_seo.fill_task_client();

CREATE TRIGGER tg_agent_tasks_count_delete AFTER DELETE ON ai_seo.agent_tasks REFERENCING OLD TABLE AS old_tasks FOR EACH STATEMENT EXECUTE FUNCTION ai_seo.count_user_tasks();

CREATE TRIGGER tg_agent_tasks_count_insert AFTER INSERT ON ai_seo.agent_tasks REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION ai_seo.count_user_tasks();

CREATE TRIGGER tg_agent_tasks_count_truncate AFTER TRUNCATE ON ai_seo.agent_tasks FOR EACH STATEMENT EXECUTE FUNCTION ai_seo.count_user_tasks();

CREATE TRIGGER tg_agent_tasks_count_update AFTER UPDATE ON ai_seo.agent_tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION ai_seo.count_user_tasks();

CREATE TRIGGER tg_agent_tasks_finished_immutable BEFORE UPDATE ON ai_seo.agent_tasks FOR EACH ROW WHEN ((old.status = ANY (ARRAY['completed'::ai_seo.task_status, 'failed'::ai_seo.task_status, 'cancelled'::ai_seo.task_status]))) EXECUTE FUNCTION ai_seo.protect_finished_task();

CREATE TRIGGER tg_agent_tasks_lifecycle BEFORE UPDATE OF status ON ai_seo.agent_tasks FOR EACH ROW EXECUTE FUNCTION ai_seo.enforce_task_lifecycle();

CREATE TRIGGER tg_agents_updated_at BEFORE UPDATE ON ai_seo.agents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_campaigns_lifecycle BEFORE UPDATE OF status ON ai_seo.campaigns FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION ai_seo.enforce_campaign_lifecycle();

CREATE TRIGGER tg_campaigns_updated_at BEFORE UPDATE ON ai_seo.campaigns FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_clients_updated_at BEFORE UPDATE ON ai_seo.clients FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_guard_write BEFORE INSERT OR DELETE OR UPDATE ON ai_seo.users FOR EACH ROW EXECUTE FUNCTION ai_seo.guard_user_write();

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON ai_seo.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_partitioned_tables_updated_at BEFORE UPDATE ON core.partitioned_tables FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_agents_updated_at BEFORE UPDATE ON deals.agents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_auth_tokens_hash AFTER INSERT OR DELETE ON deals.auth_tokens FOR EACH ROW EXECUTE FUNCTION deals.index_auth_token_hash();

CREATE TRIGGER tg_auth_tokens_hash_truncate AFTER TRUNCATE ON deals.auth_tokens FOR EACH STATEMENT EXECUTE FUNCTION deals.clear_hash_index();

CREATE TRIGGER tg_auth_tokens_hash_update AFTER UPDATE OF id, user_id, token ON deals.auth_tokens FOR EACH ROW WHEN ((((old.id IS DISTINCT FROM new.id) OR (old.user_id IS DISTINCT FROM new.user_id)) OR (old.token IS DISTINCT FROM new.token))) EXECUTE FUNCTION deals.index_auth_token_hash();

CREATE TRIGGER tg_auth_tokens_updated_at BEFORE UPDATE ON deals.auth_tokens FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_deal_activities_deal_user BEFORE INSERT ON deals.deal_activities FOR EACH ROW WHEN ((new.deal_user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('deals', 'deal_id', 'fk_deal_activities_deal_id', 'deal_user_id');

CREATE TRIGGER tg_deal_scores_updated_at BEFORE UPDATE ON deals.deal_scores FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_deal_scores_user BEFORE INSERT ON deals.deal_scores FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('deals', 'deal_id', 'fk_deal_scores_deal_id');

CREATE TRIGGER tg_deal_scores_visibility BEFORE INSERT OR UPDATE OF deal_id, user_id, deal_shared ON deals.deal_scores FOR EACH ROW EXECUTE FUNCTION deals.fill_deal_shared();

CREATE TRIGGER tg_deals_goal_matches_delete AFTER DELETE ON deals.deals REFERENCING OLD TABLE AS deleted_deals FOR EACH STATEMENT EXECUTE FUNCTION deals.count_goal_matches_per_statement();

CREATE TRIGGER tg_deals_goal_matches_insert AFTER INSERT ON deals.deals REFERENCING NEW TABLE AS inserted_deals FOR EACH STATEMENT EXECUTE FUNCTION deals.count_goal_matches_per_statement();

CREATE TRIGGER tg_deals_goal_matches_update AFTER UPDATE OF goal_id ON deals.deals FOR EACH ROW WHEN ((old.goal_id IS DISTINCT FROM new.goal_id)) EXECUTE FUNCTION deals.count_goal_matches();

CREATE TRIGGER tg_deals_id_index AFTER INSERT ON deals.deals FOR EACH ROW EXECUTE FUNCTION deals.index_deal_id();

CREATE TRIGGER tg_deals_id_index_delete AFTER DELETE ON deals.deals FOR EACH ROW EXECUTE FUNCTION deals.index_deal_id();

CREATE TRIGGER tg_deals_id_index_truncate AFTER TRUNCATE ON deals.deals FOR EACH STATEMENT EXECUTE FUNCTION deals.clear_deal_ids();

CREATE TRIGGER tg_deals_id_index_update AFTER UPDATE OF id, user_id ON deals.deals FOR EACH ROW WHEN (((old.id IS DISTINCT FROM new.id) OR (old.user_id IS DISTINCT FROM new.user_id))) EXECUTE FUNCTION deals.index_deal_id();

CREATE TRIGGER tg_deals_source_unchanged BEFORE UPDATE OF source ON deals.deals FOR EACH ROW WHEN ((old.source IS DISTINCT FROM new.source)) EXECUTE FUNCTION deals.refuse_source_change();

CREATE TRIGGER tg_deals_track_price_insert AFTER INSERT ON deals.deals FOR EACH ROW EXECUTE FUNCTION deals.track_deal_price();

CREATE TRIGGER tg_deals_track_price_update AFTER UPDATE OF current_price ON deals.deals FOR EACH ROW WHEN ((old.current_price IS DISTINCT FROM new.current_price)) EXECUTE FUNCTION deals.track_deal_price();

CREATE TRIGGER tg_deals_updated_at BEFORE UPDATE ON deals.deals FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_deals_user BEFORE INSERT ON deals.deals FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('goals', 'goal_id', 'fk_deals_goal_id');

CREATE TRIGGER tg_deals_user_deals_found_insert AFTER INSERT ON deals.deals REFERENCING NEW TABLE AS inserted_deals FOR EACH STATEMENT EXECUTE FUNCTION deals.count_user_deals_found();

CREATE TRIGGER tg_goals_active_count_delete AFTER DELETE ON deals.goals FOR EACH ROW WHEN ((old.status = 'active'::deals.goalstatus)) EXECUTE FUNCTION deals.count_active_goals();

CREATE TRIGGER tg_goals_active_count_insert AFTER INSERT ON deals.goals FOR EACH ROW WHEN ((new.status = 'active'::deals.goalstatus)) EXECUTE FUNCTION deals.count_active_goals();

CREATE TRIGGER tg_goals_active_count_update AFTER UPDATE OF status, user_id ON deals.goals FOR EACH ROW WHEN (((old.status IS DISTINCT FROM new.status) OR (old.user_id IS DISTINCT FROM new.user_id))) EXECUTE FUNCTION deals.count_active_goals();

CREATE TRIGGER tg_goals_success_rate_delete AFTER DELETE ON deals.goals REFERENCING OLD TABLE AS deleted_goals FOR EACH STATEMENT EXECUTE FUNCTION deals.keep_success_rate_bulk();

CREATE TRIGGER tg_goals_success_rate_insert AFTER INSERT ON deals.goals REFERENCING NEW TABLE AS inserted_goals FOR EACH STATEMENT EXECUTE FUNCTION deals.keep_success_rate_bulk();

CREATE TRIGGER tg_goals_success_rate_update AFTER UPDATE OF status, user_id ON deals.goals FOR EACH ROW WHEN ((((old.status IS DISTINCT FROM new.status) OR (old.user_id IS DISTINCT FROM new.user_id)) AND ((old.status = ANY (ARRAY['completed'::deals.goalstatus, 'failed'::deals.goalstatus, 'expired'::deals.goalstatus])) OR (new.status = ANY (ARRAY['completed'::deals.goalstatus, 'failed'::deals.goalstatus, 'expired'::deals.goalstatus]))))) EXECUTE FUNCTION deals.keep_success_rate();

CREATE TRIGGER tg_goals_updated_at BEFORE UPDATE ON deals.goals FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_market_data_updated_at BEFORE UPDATE ON deals.market_data FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_markets_updated_at BEFORE UPDATE ON deals.markets FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_notifications_deal BEFORE INSERT OR UPDATE OF deal_id, user_id ON deals.notifications FOR EACH ROW WHEN ((new.deal_id IS NOT NULL)) EXECUTE FUNCTION deals.check_notification_deal();

CREATE TRIGGER tg_notifications_updated_at BEFORE UPDATE ON deals.notifications FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_price_tracking_user BEFORE INSERT ON deals.price_tracking FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('deals', 'deal_id', 'fk_price_tracking_deal_id');

CREATE TRIGGER tg_price_tracking_visibility BEFORE INSERT OR UPDATE OF deal_id, user_id, deal_shared ON deals.price_tracking FOR EACH ROW EXECUTE FUNCTION deals.fill_deal_shared();

CREATE TRIGGER tg_task_activities_user BEFORE INSERT ON deals.task_activities FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('tasks', 'task_id', 'fk_task_activities_task_id');

CREATE TRIGGER tg_tasks_updated_at BEFORE UPDATE ON deals.tasks FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_tasks_user BEFORE INSERT ON deals.tasks FOR EACH ROW WHEN ((new.user_id IS NULL)) EXECUTE FUNCTION deals.fill_parent_user('goals', 'goal_id', 'fk_tasks_goal_id');

CREATE TRIGGER tg_token_pricing_lock_service BEFORE INSERT OR UPDATE ON deals.token_pricing FOR EACH ROW EXECUTE FUNCTION deals.lock_token_pricing_service();

CREATE TRIGGER tg_token_pricing_updated_at BEFORE UPDATE ON deals.token_pricing FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_token_transactions_guard_status BEFORE UPDATE OF status ON deals.token_transactions FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION deals.guard_token_transaction_status();

CREATE TRIGGER tg_token_transactions_hash AFTER INSERT ON deals.token_transactions FOR EACH ROW WHEN ((new.tx_hash IS NOT NULL)) EXECUTE FUNCTION deals.index_transaction_hash();

CREATE TRIGGER tg_token_transactions_hash_delete AFTER DELETE ON deals.token_transactions FOR EACH ROW WHEN ((old.tx_hash IS NOT NULL)) EXECUTE FUNCTION deals.index_transaction_hash();

CREATE TRIGGER tg_token_transactions_hash_truncate AFTER TRUNCATE ON deals.token_transactions FOR EACH STATEMENT EXECUTE FUNCTION deals.clear_hash_index();

CREATE TRIGGER tg_token_transactions_hash_update AFTER UPDATE OF id, user_id, tx_hash ON deals.token_transactions FOR EACH ROW WHEN ((((old.id IS DISTINCT FROM new.id) OR (old.user_id IS DISTINCT FROM new.user_id)) OR ((old.tx_hash)::text IS DISTINCT FROM (new.tx_hash)::text))) EXECUTE FUNCTION deals.index_transaction_hash();

CREATE TRIGGER tg_token_transactions_updated_at BEFORE UPDATE ON deals.token_transactions FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_user_settings_updated_at BEFORE UPDATE ON deals.user_settings FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_guard_own_row BEFORE DELETE OR UPDATE ON deals.users FOR EACH ROW EXECUTE FUNCTION core.guard_own_row('id');

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON deals.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_agent_executions_status_transition BEFORE UPDATE ON devskyy.agent_executions FOR EACH ROW WHEN (((old.status <> 'running'::devskyy.agent_execution_status) OR (new.status IS DISTINCT FROM old.status))) EXECUTE FUNCTION devskyy.check_agent_execution_status();

CREATE TRIGGER tg_agent_executions_updated_at BEFORE UPDATE ON devskyy.agent_executions FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_order_items_customer BEFORE INSERT ON devskyy.order_items FOR EACH ROW WHEN ((new.customer_id IS NULL)) EXECUTE FUNCTION devskyy.fill_order_item_customer();

CREATE CONSTRAINT TRIGGER tg_order_items_subtotal_matches_items AFTER INSERT OR DELETE OR UPDATE OF order_id, quantity, unit_price ON devskyy.order_items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION devskyy.check_order_subtotal();

CREATE TRIGGER tg_orders_cancel_restock AFTER UPDATE OF status ON devskyy.orders FOR EACH ROW WHEN (((new.status = 'cancelled'::devskyy.order_status) AND (old.status <> 'cancelled'::devskyy.order_status))) EXECUTE FUNCTION devskyy.restock_cancelled_order();

CREATE TRIGGER tg_orders_customer BEFORE INSERT ON devskyy.orders FOR EACH ROW WHEN ((new.customer_id IS NULL)) EXECUTE FUNCTION devskyy.fill_order_customer();

CREATE TRIGGER tg_orders_status_transition BEFORE UPDATE OF status ON devskyy.orders FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION devskyy.check_order_status();

CREATE CONSTRAINT TRIGGER tg_orders_subtotal_matches_items AFTER INSERT OR UPDATE OF subtotal ON devskyy.orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION devskyy.check_order_subtotal();

CREATE TRIGGER tg_orders_updated_at BEFORE UPDATE ON devskyy.orders FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_product_facets_refuse_write BEFORE INSERT OR DELETE OR UPDATE ON devskyy.product_facets FOR EACH STATEMENT EXECUTE FUNCTION devskyy.refuse_facet_write();

CREATE TRIGGER tg_products_facets AFTER INSERT OR DELETE ON devskyy.products FOR EACH ROW EXECUTE FUNCTION devskyy.sync_product_facets();

CREATE TRIGGER tg_products_facets_update AFTER UPDATE OF status, price, tags, metadata ON devskyy.products FOR EACH ROW WHEN (((((old.status IS DISTINCT FROM new.status) OR (old.price IS DISTINCT FROM new.price)) OR (old.tags IS DISTINCT FROM new.tags)) OR (old.metadata IS DISTINCT FROM new.metadata))) EXECUTE FUNCTION devskyy.sync_product_facets();

CREATE TRIGGER tg_products_guard_write BEFORE INSERT OR DELETE OR UPDATE ON devskyy.products FOR EACH STATEMENT EXECUTE FUNCTION devskyy.guard_catalogue_write();

CREATE TRIGGER tg_products_updated_at BEFORE UPDATE ON devskyy.products FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_rag_documents_updated_at BEFORE UPDATE ON devskyy.rag_documents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_guard_role BEFORE INSERT OR UPDATE OF role ON devskyy.users FOR EACH ROW EXECUTE FUNCTION devskyy.guard_user_role();

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON devskyy.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_conversations_closed_at BEFORE INSERT OR UPDATE OF status, closed_at ON easyflow.conversations FOR EACH ROW EXECUTE FUNCTION easyflow.set_closed_at();

CREATE TRIGGER tg_conversations_session AFTER INSERT OR DELETE OR UPDATE OF id, session_id, user_id ON easyflow.conversations FOR EACH ROW EXECUTE FUNCTION easyflow.index_conversation_session();

CREATE TRIGGER tg_conversations_session_truncate AFTER TRUNCATE ON easyflow.conversations FOR EACH STATEMENT EXECUTE FUNCTION easyflow.clear_conversation_sessions();

CREATE TRIGGER tg_conversations_updated_at BEFORE UPDATE ON easyflow.conversations FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_integrations_id AFTER INSERT OR DELETE ON easyflow.integrations FOR EACH ROW EXECUTE FUNCTION easyflow.index_integration_id();

CREATE TRIGGER tg_integrations_id_truncate AFTER TRUNCATE ON easyflow.integrations FOR EACH STATEMENT EXECUTE FUNCTION easyflow.clear_integration_ids();

CREATE TRIGGER tg_integrations_id_update AFTER UPDATE OF id, user_id ON easyflow.integrations FOR EACH ROW WHEN (((old.id IS DISTINCT FROM new.id) OR (old.user_id IS DISTINCT FROM new.user_id))) EXECUTE FUNCTION easyflow.index_integration_id();

CREATE TRIGGER tg_integrations_next_sync_at BEFORE INSERT OR UPDATE ON easyflow.integrations FOR EACH ROW EXECUTE FUNCTION easyflow.set_next_sync_at();

CREATE TRIGGER tg_integrations_platform_active BEFORE INSERT OR UPDATE OF platform_id ON easyflow.integrations FOR EACH ROW EXECUTE FUNCTION easyflow.check_platform_active();

CREATE TRIGGER tg_integrations_updated_at BEFORE UPDATE ON easyflow.integrations FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_messages_10_count_delete AFTER DELETE ON easyflow.messages REFERENCING OLD TABLE AS deleted_messages FOR EACH STATEMENT EXECUTE FUNCTION easyflow.count_conversation_messages_per_statement();

CREATE TRIGGER tg_messages_10_count_insert AFTER INSERT ON easyflow.messages REFERENCING NEW TABLE AS inserted_messages FOR EACH STATEMENT EXECUTE FUNCTION easyflow.count_conversation_messages_per_statement();

CREATE TRIGGER tg_messages_10_count_update AFTER UPDATE ON easyflow.messages REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION easyflow.count_conversation_messages_per_statement();

CREATE TRIGGER tg_messages_10_lock_conversation_delete AFTER DELETE ON easyflow.messages FOR EACH ROW WHEN ((old.conversation_id IS NOT NULL)) EXECUTE FUNCTION easyflow.lock_message_conversation();

CREATE TRIGGER tg_messages_10_lock_conversation_insert AFTER INSERT ON easyflow.messages FOR EACH ROW WHEN ((new.conversation_id IS NOT NULL)) EXECUTE FUNCTION easyflow.lock_message_conversation();

CREATE TRIGGER tg_messages_10_lock_conversation_update AFTER UPDATE OF conversation_id ON easyflow.messages FOR EACH ROW WHEN ((old.conversation_id IS DISTINCT FROM new.conversation_id)) EXECUTE FUNCTION easyflow.lock_message_conversation();

CREATE TRIGGER tg_messages_20_key_delete AFTER DELETE ON easyflow.messages FOR EACH ROW WHEN (((old.direction = 'inbound'::easyflow.message_direction) AND (old.platform_message_id IS NOT NULL))) EXECUTE FUNCTION easyflow.key_inbound_message();

CREATE TRIGGER tg_messages_20_key_insert AFTER INSERT ON easyflow.messages FOR EACH ROW WHEN (((new.direction = 'inbound'::easyflow.message_direction) AND (new.platform_message_id IS NOT NULL))) EXECUTE FUNCTION easyflow.key_inbound_message();

CREATE TRIGGER tg_messages_20_key_update AFTER UPDATE OF user_id, platform, platform_message_id, direction, created_at ON easyflow.messages FOR EACH ROW EXECUTE FUNCTION easyflow.key_inbound_message();

CREATE TRIGGER tg_outbound_messages_notify AFTER INSERT ON easyflow.outbound_messages FOR EACH ROW EXECUTE FUNCTION easyflow.notify_outbound_queued();

CREATE TRIGGER tg_outbound_messages_updated_at BEFORE UPDATE ON easyflow.outbound_messages FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TRIGGER tg_users_guard_own_row BEFORE DELETE OR UPDATE ON easyflow.users FOR EACH ROW EXECUTE FUNCTION core.guard_own_row('id');

CREATE TRIGGER tg_users_updated_at BEFORE UPDATE ON easyflow.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

ALTER TABLE ONLY agent_hub.agents
    ADD CONSTRAINT fk_agents_owner_id FOREIGN KEY (owner_id) REFERENCES agent_hub.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.events
    ADD CONSTRAINT fk_events_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES agent_hub.sessions(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.marketplace_entries
    ADD CONSTRAINT fk_marketplace_entries_agent_id FOREIGN KEY (agent_id) REFERENCES agent_hub.agents(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.marketplace_entry_tags
    ADD CONSTRAINT fk_marketplace_entry_tags_entry_id FOREIGN KEY (entry_id) REFERENCES agent_hub.marketplace_entries(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.marketplace_versions
    ADD CONSTRAINT fk_marketplace_versions_entry_id FOREIGN KEY (entry_id) REFERENCES agent_hub.marketplace_entries(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.session_messages
    ADD CONSTRAINT fk_session_messages_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES agent_hub.sessions(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT fk_sessions_agent_id FOREIGN KEY (agent_id) REFERENCES agent_hub.agents(id) ON DELETE CASCADE;

ALTER TABLE ONLY agent_hub.sessions
    ADD CONSTRAINT fk_sessions_user_id FOREIGN KEY (user_id) REFERENCES agent_hub.users(id) ON DELETE CASCADE;

ALTER TABLE ai_seo.agent_metrics
    ADD CONSTRAINT fk_agent_metrics_agent_id FOREIGN KEY (agent_id) REFERENCES ai_seo.agents(id) ON DELETE RESTRICT;

ALTER TABLE ONLY ai_seo.agent_tasks
    ADD CONSTRAINT fk_agent_tasks_agent_id FOREIGN KEY (agent_id) REFERENCES ai_seo.agents(id) ON DELETE RESTRICT;

ALTER TABLE ONLY ai_seo.agent_tasks
    ADD CONSTRAINT fk_agent_tasks_campaign_id FOREIGN KEY (campaign_id, client_id) REFERENCES ai_seo.campaigns(id, client_id) ON DELETE RESTRICT;

ALTER TABLE ONLY ai_seo.agent_tasks
    ADD CONSTRAINT fk_agent_tasks_user_id FOREIGN KEY (user_id) REFERENCES ai_seo.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY ai_seo.campaigns
    ADD CONSTRAINT fk_campaigns_client_id FOREIGN KEY (client_id) REFERENCES ai_seo.clients(id) ON DELETE CASCADE;

ALTER TABLE ONLY ai_seo.user_sessions
    ADD CONSTRAINT fk_user_sessions_user_id FOREIGN KEY (user_id) REFERENCES ai_seo.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.auth_token_hashes
    ADD CONSTRAINT fk_auth_token_hashes_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.auth_tokens
    ADD CONSTRAINT fk_auth_tokens_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.chat_messages
    ADD CONSTRAINT fk_chat_messages_goal_id FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id);

ALTER TABLE ONLY deals.chat_messages
    ADD CONSTRAINT fk_chat_messages_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.deal_activities
    ADD CONSTRAINT fk_deal_activities_agent_id FOREIGN KEY (agent_id) REFERENCES deals.agents(id) ON DELETE SET NULL;

ALTER TABLE ONLY deals.deal_activities
    ADD CONSTRAINT fk_deal_activities_deal_id FOREIGN KEY (deal_id, deal_user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.deal_activities
    ADD CONSTRAINT fk_deal_activities_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY deals.deal_ids
    ADD CONSTRAINT fk_deal_ids_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.deal_scores
    ADD CONSTRAINT fk_deal_scores_deal_id FOREIGN KEY (deal_id, user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.deals
    ADD CONSTRAINT fk_deals_goal_id FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.deals
    ADD CONSTRAINT fk_deals_market_id FOREIGN KEY (market_id) REFERENCES deals.markets(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.goals
    ADD CONSTRAINT fk_goals_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.notifications
    ADD CONSTRAINT fk_notifications_deal_id FOREIGN KEY (deal_id) REFERENCES deals.deal_ids(id) ON DELETE SET NULL;

ALTER TABLE ONLY deals.notifications
    ADD CONSTRAINT fk_notifications_goal_id FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id);

ALTER TABLE ONLY deals.notifications
    ADD CONSTRAINT fk_notifications_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE deals.price_tracking
    ADD CONSTRAINT fk_price_tracking_deal_id FOREIGN KEY (deal_id, user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.task_activities
    ADD CONSTRAINT fk_task_activities_agent_id FOREIGN KEY (agent_id) REFERENCES deals.agents(id) ON DELETE SET NULL;

ALTER TABLE ONLY deals.task_activities
    ADD CONSTRAINT fk_task_activities_task_id FOREIGN KEY (task_id, user_id) REFERENCES deals.tasks(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.tasks
    ADD CONSTRAINT fk_tasks_agent_id FOREIGN KEY (agent_id) REFERENCES deals.agents(id) ON DELETE SET NULL;

ALTER TABLE ONLY deals.tasks
    ADD CONSTRAINT fk_tasks_goal_id FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.token_balance_history
    ADD CONSTRAINT fk_token_balance_history_transaction_id FOREIGN KEY (transaction_id, user_id) REFERENCES deals.token_transactions(id, user_id);

ALTER TABLE ONLY deals.token_balance_history
    ADD CONSTRAINT fk_token_balance_history_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.token_transactions
    ADD CONSTRAINT fk_token_transactions_goal_id FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id);

ALTER TABLE ONLY deals.token_transactions
    ADD CONSTRAINT fk_token_transactions_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.transaction_hashes
    ADD CONSTRAINT fk_transaction_hashes_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.user_settings
    ADD CONSTRAINT fk_user_settings_user_id FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY deals.users
    ADD CONSTRAINT fk_users_referred_by FOREIGN KEY (referred_by) REFERENCES deals.users(id) ON DELETE SET NULL;

ALTER TABLE devskyy.agent_executions
    ADD CONSTRAINT fk_agent_executions_execution_id FOREIGN KEY (execution_id, created_at) REFERENCES devskyy.agent_execution_ids(execution_id, created_at) ON DELETE RESTRICT;

ALTER TABLE ONLY devskyy.order_items
    ADD CONSTRAINT fk_order_items_order_id FOREIGN KEY (order_id, customer_id) REFERENCES devskyy.orders(id, customer_id) ON DELETE CASCADE;

ALTER TABLE ONLY devskyy.order_items
    ADD CONSTRAINT fk_order_items_product_id FOREIGN KEY (product_id) REFERENCES devskyy.products(id) ON DELETE RESTRICT;

ALTER TABLE ONLY devskyy.order_items
    ADD CONSTRAINT fk_order_items_user_id FOREIGN KEY (user_id) REFERENCES devskyy.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY devskyy.orders
    ADD CONSTRAINT fk_orders_user_id FOREIGN KEY (user_id) REFERENCES devskyy.users(id) ON DELETE SET NULL;

ALTER TABLE devskyy.tool_executions
    ADD CONSTRAINT fk_tool_executions_user_id FOREIGN KEY (user_id) REFERENCES devskyy.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY easyflow.conversation_sessions
    ADD CONSTRAINT fk_conversation_sessions_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.conversations
    ADD CONSTRAINT fk_conversations_platform FOREIGN KEY (platform) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE ONLY easyflow.conversations
    ADD CONSTRAINT fk_conversations_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.integration_ids
    ADD CONSTRAINT fk_integration_ids_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.integrations
    ADD CONSTRAINT fk_integrations_platform_id FOREIGN KEY (platform_id) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE ONLY easyflow.integrations
    ADD CONSTRAINT fk_integrations_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.message_platform_ids
    ADD CONSTRAINT fk_message_platform_ids_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE easyflow.messages
    ADD CONSTRAINT fk_messages_conversation_id FOREIGN KEY (conversation_id, user_id) REFERENCES easyflow.conversations(id, user_id) ON DELETE CASCADE;

ALTER TABLE easyflow.messages
    ADD CONSTRAINT fk_messages_platform FOREIGN KEY (platform) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE easyflow.messages
    ADD CONSTRAINT fk_messages_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.outbound_messages
    ADD CONSTRAINT fk_outbound_messages_conversation_id FOREIGN KEY (conversation_id, user_id) REFERENCES easyflow.conversations(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.outbound_messages
    ADD CONSTRAINT fk_outbound_messages_platform FOREIGN KEY (platform) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE ONLY easyflow.outbound_messages
    ADD CONSTRAINT fk_outbound_messages_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.platform_metrics
    ADD CONSTRAINT fk_platform_metrics_integration_id FOREIGN KEY (integration_id, user_id) REFERENCES easyflow.integrations(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.platform_metrics
    ADD CONSTRAINT fk_platform_metrics_platform_id FOREIGN KEY (platform_id) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE ONLY easyflow.platform_metrics
    ADD CONSTRAINT fk_platform_metrics_user_id FOREIGN KEY (user_id) REFERENCES easyflow.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY easyflow.platform_totals
    ADD CONSTRAINT fk_platform_totals_platform_id FOREIGN KEY (platform_id) REFERENCES easyflow.platforms(id) ON DELETE RESTRICT;

ALTER TABLE ONLY easyflow.sync_logs
    ADD CONSTRAINT fk_sync_logs_integration_id FOREIGN KEY (integration_id, user_id) REFERENCES easyflow.integrations(id, user_id) ON DELETE CASCADE;

ALTER TABLE agent_hub.agents ENABLE ROW LEVEL SECURITY;

ALTER TABLE agent_hub.events ENABLE ROW LEVEL SECURITY;

ALTER TABLE agent_hub.marketplace_entries ENABLE ROW LEVEL SECURITY;

ALTER TABLE agent_hub.marketplace_entry_tags ENABLE ROW LEVEL SECURITY;

ALTER TABLE agent_hub.marketplace_versions ENABLE ROW LEVEL SECURITY;

CREATE POLICY rls_agents_delete ON agent_hub.agents FOR DELETE USING ((owner_id = core.acting_user()));

CREATE POLICY rls_agents_insert ON agent_hub.agents FOR INSERT WITH CHECK ((owner_id = core.acting_user()));

CREATE POLICY rls_agents_select ON agent_hub.agents FOR SELECT USING ((is_public OR (owner_id = core.acting_user())));

CREATE POLICY rls_agents_update ON agent_hub.agents FOR UPDATE USING ((owner_id = core.acting_user())) WITH CHECK ((owner_id = core.acting_user()));

CREATE POLICY rls_events_own_session ON agent_hub.events USING ((user_id = core.acting_user()));

CREATE POLICY rls_marketplace_entries_delete ON agent_hub.marketplace_entries FOR DELETE USING ((EXISTS ( SELECT
   FROM agent_hub.agents a
  WHERE ((a.id = marketplace_entries.agent_id) AND (a.owner_id = ( SELECT core.acting_user() AS acting_user))))));

CREATE POLICY rls_marketplace_entries_insert ON agent_hub.marketplace_entries FOR INSERT WITH CHECK ((EXISTS ( SELECT
   FROM agent_hub.agents a
  WHERE ((a.id = marketplace_entries.agent_id) AND (a.owner_id = ( SELECT core.acting_user() AS acting_user))))));

CREATE POLICY rls_marketplace_entries_select ON agent_hub.marketplace_entries FOR SELECT USING ((listed OR (EXISTS ( SELECT
   FROM agent_hub.agents a
  WHERE ((a.id = marketplace_entries.agent_id) AND (a.owner_id = ( SELECT core.acting_user() AS acting_user)))))));

CREATE POLICY rls_marketplace_entries_update ON agent_hub.marketplace_entries FOR UPDATE USING ((listed OR (EXISTS ( SELECT
   FROM agent_hub.agents a
  WHERE ((a.id = marketplace_entries.agent_id) AND (a.owner_id = ( SELECT core.acting_user() AS acting_user)))))));

CREATE POLICY rls_marketplace_entry_tags_select ON agent_hub.marketplace_entry_tags FOR SELECT USING (true);

CREATE POLICY rls_marketplace_versions_insert ON agent_hub.marketplace_versions FOR INSERT WITH CHECK ((EXISTS ( SELECT
   FROM (agent_hub.marketplace_entries e
     JOIN agent_hub.agents a ON ((a.id = e.agent_id)))
  WHERE ((e.id = marketplace_versions.entry_id) AND (a.owner_id = ( SELECT core.acting_user() AS acting_user))))));

CREATE POLICY rls_marketplace_versions_select ON agent_hub.marketplace_versions FOR SELECT USING ((EXISTS ( SELECT
   FROM agent_hub.marketplace_entries e
  WHERE (e.id = marketplace_versions.entry_id))));

CREATE POLICY rls_session_messages_own_session ON agent_hub.session_messages USING ((user_id = core.acting_user()));

CREATE POLICY rls_sessions_own ON agent_hub.sessions USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

ALTER TABLE agent_hub.session_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE agent_hub.sessions ENABLE ROW LEVEL SECURITY;

CREATE POLICY rls_user_sessions_delete ON ai_seo.user_sessions FOR DELETE USING (((user_id = ( SELECT core.acting_user() AS acting_user)) OR ( SELECT ai_seo.acting_user_is_admin() AS acting_user_is_admin)));

CREATE POLICY rls_user_sessions_insert ON ai_seo.user_sessions FOR INSERT WITH CHECK ((user_id = ( SELECT core.acting_user() AS acting_user)));

CREATE POLICY rls_user_sessions_select ON ai_seo.user_sessions FOR SELECT USING (((user_id = ( SELECT core.acting_user() AS acting_user)) OR ( SELECT ai_seo.acting_user_is_admin() AS acting_user_is_admin)));

CREATE POLICY rls_user_sessions_update ON ai_seo.user_sessions FOR UPDATE USING (((user_id = ( SELECT core.acting_user() AS acting_user)) OR ( SELECT ai_seo.acting_user_is_admin() AS acting_user_is_admin))) WITH CHECK (((user_id = ( SELECT core.acting_user() AS acting_user)) OR ( SELECT ai_seo.acting_user_is_admin() AS acting_user_is_admin)));

ALTER TABLE ai_seo.user_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.auth_token_hashes ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.auth_tokens ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.chat_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.deal_activities ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.deal_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.deal_scores ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.deals ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.goals ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.notifications ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.price_tracking ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.price_tracking_default ENABLE ROW LEVEL SECURITY;

CREATE POLICY rls_auth_token_hashes_own ON deals.auth_token_hashes FOR SELECT USING ((user_id = core.acting_user()));

CREATE POLICY rls_auth_tokens_own ON deals.auth_tokens USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_chat_messages_own ON deals.chat_messages USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_deal_activities_delete ON deals.deal_activities FOR DELETE USING ((((user_id IS NULL) OR (user_id = core.acting_user())) AND (deal_user_id = core.acting_user())));

CREATE POLICY rls_deal_activities_insert ON deals.deal_activities FOR INSERT WITH CHECK ((((user_id IS NULL) OR (user_id = core.acting_user())) AND (deal_user_id = core.acting_user())));

CREATE POLICY rls_deal_activities_select ON deals.deal_activities FOR SELECT USING (((user_id = core.acting_user()) OR (deal_user_id = core.acting_user())));

CREATE POLICY rls_deal_activities_update ON deals.deal_activities FOR UPDATE USING ((((user_id IS NULL) OR (user_id = core.acting_user())) AND (deal_user_id = core.acting_user()))) WITH CHECK ((((user_id IS NULL) OR (user_id = core.acting_user())) AND (deal_user_id = core.acting_user())));

CREATE POLICY rls_deal_ids_select ON deals.deal_ids FOR SELECT USING ((shared OR (user_id = core.acting_user())));

CREATE POLICY rls_deal_scores_delete ON deals.deal_scores FOR DELETE USING ((user_id = core.acting_user()));

CREATE POLICY rls_deal_scores_insert ON deals.deal_scores FOR INSERT WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_deal_scores_select ON deals.deal_scores FOR SELECT USING (((user_id = core.acting_user()) OR deal_shared));

CREATE POLICY rls_deal_scores_update ON deals.deal_scores FOR UPDATE USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_deals_delete ON deals.deals FOR DELETE USING ((user_id = core.acting_user()));

CREATE POLICY rls_deals_insert ON deals.deals FOR INSERT WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_deals_select ON deals.deals FOR SELECT USING ((((source)::text <> ALL (ARRAY['manual'::text, 'user'::text])) OR (user_id = core.acting_user())));

CREATE POLICY rls_deals_update ON deals.deals FOR UPDATE USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_goals_own ON deals.goals USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_notifications_own ON deals.notifications USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_price_tracking_delete ON deals.price_tracking FOR DELETE USING ((user_id = core.acting_user()));

CREATE POLICY rls_price_tracking_insert ON deals.price_tracking FOR INSERT WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_price_tracking_select ON deals.price_tracking FOR SELECT USING (((user_id = core.acting_user()) OR deal_shared));

CREATE POLICY rls_price_tracking_update ON deals.price_tracking FOR UPDATE USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_task_activities_own_task ON deals.task_activities USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_tasks_own_goal ON deals.tasks USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_token_balance_history_own ON deals.token_balance_history USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_token_transactions_own ON deals.token_transactions USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_transaction_hashes_own ON deals.transaction_hashes FOR SELECT USING ((user_id = core.acting_user()));

CREATE POLICY rls_user_settings_own ON deals.user_settings USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

ALTER TABLE deals.task_activities ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.tasks ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.token_balance_history ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.token_transactions ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.transaction_hashes ENABLE ROW LEVEL SECURITY;

ALTER TABLE deals.user_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE devskyy.order_items ENABLE ROW LEVEL SECURITY;

ALTER TABLE devskyy.orders ENABLE ROW LEVEL SECURITY;

CREATE POLICY rls_order_items_own_order ON devskyy.order_items USING ((user_id = core.acting_user()));

CREATE POLICY rls_orders_own ON devskyy.orders USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_users_delete ON devskyy.users FOR DELETE USING (((id = core.acting_user()) OR devskyy.user_is_admin(core.acting_user())));

CREATE POLICY rls_users_insert ON devskyy.users FOR INSERT WITH CHECK (true);

CREATE POLICY rls_users_select ON devskyy.users FOR SELECT USING (true);

CREATE POLICY rls_users_update ON devskyy.users FOR UPDATE USING (((id = core.acting_user()) OR devskyy.user_is_admin(core.acting_user()))) WITH CHECK (((id = core.acting_user()) OR devskyy.user_is_admin(core.acting_user())));

ALTER TABLE devskyy.users ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.conversation_sessions ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.conversations ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.integration_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.integrations ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.message_platform_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.messages_default ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.outbound_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.platform_metrics ENABLE ROW LEVEL SECURITY;

ALTER TABLE easyflow.platform_totals ENABLE ROW LEVEL SECURITY;

CREATE POLICY rls_conversation_sessions_own ON easyflow.conversation_sessions FOR SELECT USING ((user_id = core.acting_user()));

CREATE POLICY rls_conversations_own ON easyflow.conversations USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_integration_ids_own ON easyflow.integration_ids FOR SELECT USING ((user_id = core.acting_user()));

CREATE POLICY rls_integrations_own ON easyflow.integrations USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_message_platform_ids_own ON easyflow.message_platform_ids USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_messages_own ON easyflow.messages USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_outbound_messages_own ON easyflow.outbound_messages USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_platform_metrics_own ON easyflow.platform_metrics USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

CREATE POLICY rls_platform_totals_read ON easyflow.platform_totals FOR SELECT TO sqlfirst_readonly USING (true);

CREATE POLICY rls_sync_logs_own ON easyflow.sync_logs USING ((user_id = core.acting_user())) WITH CHECK ((user_id = core.acting_user()));

ALTER TABLE easyflow.sync_logs ENABLE ROW LEVEL SECURITY;
