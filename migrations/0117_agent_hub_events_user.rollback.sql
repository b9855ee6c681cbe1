drop trigger tg_events_user on agent_hub.events;
drop function agent_hub.fill_event_user();
alter table agent_hub.events drop column user_id;
