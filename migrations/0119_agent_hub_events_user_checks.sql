-- depends: 0118_agent_hub_events_user_fill
--
-- agent_hub: events' user_id is not null and is its session's, as constraints NOT VALID: they
-- hold for every write from here on, and adding them scans nothing; 0120 validates them without
-- blocking writes. The foreign key holds the tenant on both sides (sessions' unique key (id,
-- user_id), 0111); the id-only one goes in 0122.
alter table agent_hub.events
    add constraint ck_events_user_id_not_null check (user_id is not null) not valid;
alter table agent_hub.events
    add constraint fk_events_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
