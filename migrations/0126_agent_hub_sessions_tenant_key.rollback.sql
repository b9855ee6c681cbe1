-- The children's foreign keys go back to 0110's unique key, which comes back with the id-only key.
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint fk_session_messages_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.sessions drop constraint pk_sessions;
alter table agent_hub.sessions add constraint pk_sessions primary key (id);
alter table agent_hub.sessions add constraint uq_sessions_id_user_id unique (id, user_id);
alter table agent_hub.session_messages
    add constraint fk_session_messages_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade;
alter table agent_hub.events
    add constraint fk_events_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade;
-- Dropping the key dropped the index 0125 built: it comes back (after the foreign keys, which so
-- use uq_sessions_id_user_id and not it), so 0125 is undone by its own rollback.
create unique index pk_sessions_id_user_id on agent_hub.sessions (id, user_id);
