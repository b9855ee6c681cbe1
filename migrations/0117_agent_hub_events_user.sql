-- depends: 0116_agent_hub_session_messages_tenant_key
--
-- agent_hub: a session's events carry the session's user (issue 16, sql/agent_hub/citus.toml), as
-- its messages do since 0111-0116: Citus distributes events by user_id beside sessions, so the
-- column, the key, the unique sequence and the foreign key to the session must hold it (0118-0122).
--
-- * events.user_id, nullable for now (0118 fills the existing rows, 0119-0120 make it NOT NULL):
--   adding a nullable column without a default rewrites nothing.
-- * append_event writes it (the session's user, read under the session's row lock it already
--   takes). A writer that does not name it (a COPY of Event models, an ORM) gets its session's from
--   tg_events_user, on one server; under Citus such a writer passes it, since a row is routed to its
--   shard by user_id before any trigger runs.
alter table agent_hub.events add column user_id uuid;

create function agent_hub.fill_event_user()
returns trigger
language plpgsql
as $$
begin
    if new.user_id is null then
        select s.user_id into new.user_id from agent_hub.sessions as s where s.id = new.session_id;
    end if;
    return new;
end;
$$;
comment on function agent_hub.fill_event_user() is
    'An event written without its user gets its session''s (tg_events_user).';

create trigger tg_events_user
    before insert on agent_hub.events
    for each row execute function agent_hub.fill_event_user();
