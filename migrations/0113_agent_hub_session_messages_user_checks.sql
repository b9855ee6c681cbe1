-- depends: 0112_agent_hub_session_messages_user_fill
--
-- agent_hub: session_messages' user_id is not null and is its session's, as constraints NOT VALID:
-- they hold for every write from here on, and adding them scans nothing (their locks last an
-- instant); 0114 validates them without blocking writes. The foreign key holds the tenant on both
-- sides, the form Citus requires between co-located tables; the id-only one goes in 0116.
alter table agent_hub.session_messages
    add constraint ck_session_messages_user_id_not_null check (user_id is not null) not valid;
alter table agent_hub.session_messages
    add constraint fk_session_messages_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
