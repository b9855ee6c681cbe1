-- depends: 0177_agent_hub_ids_chosen_by_the_database
--
-- agent_hub: a session's check that its agent is one its user may run (public, or their own) moves
-- from rls_sessions_own's WITH CHECK, where it was a subquery (EXISTS ... agents), to a trigger
-- (issue 16, sql/agent_hub/citus.toml): Citus refuses a policy holding a subquery on any of its
-- tables, and agents is a reference table, on every node, so a trigger on a shard can read it
-- (with citus.enable_unsafe_triggers, as the other triggers of the plan).
--
-- The same rows pass as before. The trigger reads agents as the caller, under the caller's
-- row-level security, as the policy's subquery did (one difference: a VOLATILE function's query
-- sees what the statement itself wrote before it, so an agent and a session written by one
-- statement now pass). It checks only where row-level security applies to sessions for the caller
-- (row_security_active), as the policy did, so the worker and the owner, which bypass it, are not
-- checked (an unknown agent still fails on fk_sessions_agent_id for them). It runs before every
-- insert and update, as WITH CHECK did: a session whose agent its owner made private can no longer
-- be changed by another user, and a write that fails the check is refused with
-- insufficient_privilege (PermissionDenied), as the policy was. It runs before the other BEFORE
-- triggers (tg_sessions_history_guard's check of a direct message_history write now comes second)
-- and before the policy's remaining check (user_id = core.acting_user()).
create function agent_hub.check_session_agent()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
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
comment on function agent_hub.check_session_agent() is
    'A session''s agent must be one the acting user may see (public or their own); where row-level security applies.';
create trigger tg_sessions_agent_visible
    before insert or update on agent_hub.sessions
    for each row execute function agent_hub.check_session_agent();
alter policy rls_sessions_own on agent_hub.sessions
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
