-- depends: 0030_ai_seo_schema
--
-- ai_seo: the rules that must hold whoever writes the rows, kept by the database.
--
-- * The task lifecycle (seed: pending -> in_progress -> completed / failed / cancelled).
--   ai_seo.enforce_task_lifecycle() allows exactly pending -> in_progress | cancelled and
--   in_progress -> completed | failed | cancelled; anything else (also setting the status a task
--   already has), and any change to a finished (completed, failed, cancelled) task other than
--   detaching its deleted requester (ai_seo.protect_finished_task), raises
--   SQLSTATE SF031 (sqlfirst.ai_seo.errors.IllegalTaskTransition) naming agent_tasks_lifecycle.
--   So completing a pending task or restarting a completed one is refused by the database, however
--   the update was written. The same trigger stamps the times with clock_timestamp(): started_at on
--   the claim, completed_at on completion or failure, and processing_time_ms measured between the
--   two, so no caller's clock is trusted.
-- * The campaign workflow (seed: draft -> active -> paused / completed / cancelled): draft ->
--   active | cancelled, active -> paused | completed | cancelled, paused -> active | completed |
--   cancelled; completed and cancelled are final. Anything else raises SF032
--   (IllegalCampaignTransition) naming campaigns_lifecycle.
-- * Refresh-token rotation (ai_seo.rotate_refresh_token): in one statement, under the presented
--   session's row lock, an active unexpired token is revoked and its successor inserted ('rotated');
--   a token that was already revoked is a replay of a stolen or leaked token, so every session of
--   the user is revoked ('reused'); an unknown or expired token changes nothing ('invalid').
--   Two concurrent rotations of one token serialise on the row lock: the second sees the first's
--   revocation and reports reuse, as refresh-token rotation prescribes.

create function ai_seo.enforce_task_lifecycle()
returns trigger
language plpgsql
as $$
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

comment on function ai_seo.enforce_task_lifecycle() is
    'BEFORE UPDATE OF status on agent_tasks: legal transitions only (else SF031), stamps started_at/completed_at/processing_time_ms.';

create trigger tg_agent_tasks_lifecycle before update of status on ai_seo.agent_tasks
    for each row execute function ai_seo.enforce_task_lifecycle();

-- A finished task is history: nothing of it changes but the requester, which the users foreign key
-- sets to NULL when that user is deleted.
create function ai_seo.protect_finished_task()
returns trigger
language plpgsql
as $$
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

comment on function ai_seo.protect_finished_task() is
    'BEFORE UPDATE on finished agent_tasks: only user_id may change (ON DELETE SET NULL), else SF031.';

create trigger tg_agent_tasks_finished_immutable before update on ai_seo.agent_tasks
    for each row when (old.status in ('completed', 'failed', 'cancelled'))
    execute function ai_seo.protect_finished_task();

create function ai_seo.enforce_campaign_lifecycle()
returns trigger
language plpgsql
as $$
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

comment on function ai_seo.enforce_campaign_lifecycle() is
    'BEFORE UPDATE OF status on campaigns: the seed''s workflow only, else SF032.';

create trigger tg_campaigns_lifecycle before update of status on ai_seo.campaigns
    for each row when (old.status is distinct from new.status)
    execute function ai_seo.enforce_campaign_lifecycle();

create function ai_seo.rotate_refresh_token(
    p_user_id uuid,
    p_presented_hash text,
    p_new_hash text,
    p_expires_at timestamptz,
    p_user_agent text,
    p_ip_address inet
)
returns table (
    outcome text,
    id uuid,
    user_id uuid,
    expires_at timestamptz,
    user_agent text,
    ip_address inet,
    created_at timestamptz,
    last_used_at timestamptz,
    is_active boolean
)
language plpgsql
as $$
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

comment on function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet) is
    'Refresh-token rotation: rotated (old revoked, new issued) | reused (every session revoked) | invalid.';
