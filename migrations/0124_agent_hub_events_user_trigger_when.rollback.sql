create or replace trigger tg_events_user
    before insert on agent_hub.events
    for each row execute function agent_hub.fill_event_user();
