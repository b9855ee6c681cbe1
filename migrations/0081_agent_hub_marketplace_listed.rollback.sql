drop trigger tg_agents_marketplace_listing on agent_hub.agents;
drop function agent_hub.sync_marketplace_listing();
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
    return new;
end;
$$;
alter table agent_hub.marketplace_entries drop column listed;
