alter policy rls_events_own_session on agent_hub.events
    using (exists (select from agent_hub.sessions as s where s.id = session_id));
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint uq_events_session_id_sequence_number;
alter table agent_hub.events
    add constraint uq_events_session_id_sequence_number unique (session_id, sequence_number);
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint pk_events;
alter table agent_hub.events add constraint pk_events primary key (id);
-- Dropping the keys dropped the indexes 0121 and 0122 built: they come back, so each is undone by its own rollback.
create unique index uq_events_id_user_id on agent_hub.events (id, user_id);
create unique index uq_events_session_id_sequence_number_user_id
    on agent_hub.events (session_id, sequence_number, user_id);
alter table agent_hub.events
    add constraint fk_events_session_id foreign key (session_id)
        references agent_hub.sessions (id) on delete cascade;
