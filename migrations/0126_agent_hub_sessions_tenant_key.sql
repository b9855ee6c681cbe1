-- depends: 0125_agent_hub_sessions_key_index
--
-- agent_hub: sessions are keyed (id, user_id) on 0125's index (renamed pk_sessions), as Citus
-- requires of every key of a table distributed by user_id (issue 16, sql/agent_hub/citus.toml).
-- 0110's unique key on the same columns goes, being the same key twice; the foreign keys of
-- session_messages and events, which named it, move to the primary key. They are dropped and added
-- again NOT VALID in this one transaction (no write can come between), so nothing is scanned here;
-- 0127 validates them without blocking writes. Catalog changes only: the locks last an instant.
--
-- A session's id stays unique by being a uuid the server draws (no writer names one), as agents'
-- and events' ids do.
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint fk_session_messages_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.sessions drop constraint uq_sessions_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.sessions drop constraint pk_sessions;
alter table agent_hub.sessions add constraint pk_sessions primary key using index pk_sessions_id_user_id;
alter table agent_hub.session_messages
    add constraint fk_session_messages_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
alter table agent_hub.events
    add constraint fk_events_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
