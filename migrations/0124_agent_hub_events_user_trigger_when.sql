-- depends: 0123_agent_hub_events_tenant_key
--
-- agent_hub: tg_events_user (0117) runs only for an event written without its user. append_event
-- and every writer that names user_id no longer pay a PL/pgSQL call per row; a writer that leaves it
-- out (a COPY of Event models, an ORM) still gets its session's. CREATE OR REPLACE swaps the trigger
-- in one statement, so no insert ever runs without it.
create or replace trigger tg_events_user
    before insert on agent_hub.events
    for each row when (new.user_id is null) execute function agent_hub.fill_event_user();
