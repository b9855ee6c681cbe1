-- depends: 0080_ai_seo_recount_for_worker
--
-- Marketplace search shows only entries of public agents (0072). It checked that by joining each
-- matched entry's agent, so a search had to read the agent of every entry carrying the tags before
-- sorting: once agents outgrew what the planner would probe one by one (a third medium bench run,
-- 26k agents), it hash-joined all of them (a sequential scan, 1,330 blocks for 50 rows).
--
-- marketplace_entries.listed now carries the agent's is_public, so the searches filter the entries
-- alone. It cannot drift and cannot be forged: the guard trigger sets it from the agent on every
-- insert and update of an entry, whatever the statement said, and a change of an agent's is_public
-- touches its entry (tg_agents_marketplace_listing), which the guard then sets again. The entries
-- table is small (one row per published agent), so the column, its backfill and the trigger take
-- no noticeable lock time.
alter table agent_hub.marketplace_entries add column listed boolean not null default true;

comment on column agent_hub.marketplace_entries.listed is
    'The agent''s is_public, kept by agent_hub.guard_marketplace_entry(): only listed entries are searched.';

create or replace function agent_hub.guard_marketplace_entry()
returns trigger
language plpgsql
as $$
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

create function agent_hub.sync_marketplace_listing()
returns trigger
language plpgsql
as $$
begin
    -- The guard sets listed from the agent (now updated) for the touched entry.
    update agent_hub.marketplace_entries set listed = new.is_public where agent_id = new.id;
    return null;
end;
$$;

comment on function agent_hub.sync_marketplace_listing() is
    'AFTER UPDATE OF is_public on an agent: its marketplace entry follows (listed).';

create trigger tg_agents_marketplace_listing after update of is_public on agent_hub.agents
    for each row when (old.is_public is distinct from new.is_public)
    execute function agent_hub.sync_marketplace_listing();

update agent_hub.marketplace_entries as e
set listed = false
from agent_hub.agents as a
where a.id = e.agent_id and not a.is_public;
