-- depends: 0032_ai_seo_time_series_by_key
--
-- ai_seo: a user's task counts, kept by the database, so the full view of a user (example 5,
-- analytics.user_overview) reads a few counter rows instead of every task the user ever requested
-- (at medium a busy staff user has ~4,600 tasks: an index-only scan of 2,277 blocks for one row).
--
-- * ai_seo.user_task_counts holds, per requester and agent, how many of the user's tasks are in
--   each status; a (user, agent) pair has a row exactly while the user has tasks of that agent
--   (rows that fall to zero are deleted). Tasks without a requester (user_id NULL: the agents'
--   own tasks, and tasks whose requester was deleted) are not counted.
-- * Statement-level AFTER triggers on agent_tasks (insert, update, delete; transition tables)
--   add each statement's net change per (user, agent) with one INSERT .. ON CONFLICT DO UPDATE in
--   (user_id, agent_id) order. The counter row's lock serialises concurrent writers of the same
--   pair, and every statement takes its rows' locks in the same order, so concurrent statements
--   neither lose a count nor deadlock on each other's counters. A transition (claim, complete,
--   fail, cancel) moves one count within one row. Requester deletion (ON DELETE SET NULL) fires
--   the update trigger like any other change of user_id. TRUNCATE empties the counts.
-- * A count never goes negative: the trigger raises check_violation (user_task_counts_not_negative)
--   instead, since a negative count would mean the counts had drifted from the tasks. (Not a CHECK
--   constraint: INSERT .. ON CONFLICT checks the proposed row, which carries the change, before it
--   finds the existing one.)
-- * Loading tasks with triggers off (session_replication_role = replica, as the bench does)
--   bypasses the counts: ai_seo.recount_user_tasks() rebuilds them from the tasks under a SHARE
--   lock (writers of tasks wait), and this migration ends by calling it for the existing tasks.
-- * fillfactor 50: the counts change in place (HOT updates, no index entry per change) and a
--   user's rows stay on the page they were written to.

create table ai_seo.user_task_counts (
    user_id uuid not null,
    agent_id uuid not null,
    pending bigint not null,
    in_progress bigint not null,
    completed bigint not null,
    failed bigint not null,
    cancelled bigint not null,
    constraint pk_user_task_counts primary key (user_id, agent_id)
) with (fillfactor = 50);

comment on table ai_seo.user_task_counts is
    'Per requester and agent, the requester''s tasks in each status; kept by triggers on agent_tasks.';

create function ai_seo.count_user_tasks()
returns trigger
language plpgsql
as $$
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

comment on function ai_seo.count_user_tasks() is
    'AFTER INSERT/UPDATE/DELETE/TRUNCATE (statement) on agent_tasks: keeps ai_seo.user_task_counts.';

create trigger tg_agent_tasks_count_insert after insert on ai_seo.agent_tasks
    referencing new table as new_tasks
    for each statement execute function ai_seo.count_user_tasks();
create trigger tg_agent_tasks_count_update after update on ai_seo.agent_tasks
    referencing old table as old_tasks new table as new_tasks
    for each statement execute function ai_seo.count_user_tasks();
create trigger tg_agent_tasks_count_delete after delete on ai_seo.agent_tasks
    referencing old table as old_tasks
    for each statement execute function ai_seo.count_user_tasks();
create trigger tg_agent_tasks_count_truncate after truncate on ai_seo.agent_tasks
    for each statement execute function ai_seo.count_user_tasks();

create function ai_seo.recount_user_tasks()
returns bigint
language plpgsql
as $$
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

comment on function ai_seo.recount_user_tasks() is
    'Rebuilds ai_seo.user_task_counts from agent_tasks (after a load with triggers off); returns the rows written.';

select ai_seo.recount_user_tasks();
