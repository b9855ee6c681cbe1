alter policy rls_session_messages_own_session on agent_hub.session_messages
    using (exists (select from agent_hub.sessions as s where s.id = session_id));
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages
    drop constraint pk_session_messages,
    add constraint pk_session_messages primary key (session_id, position);
-- Dropping the key dropped the index 0115 built: it comes back, so 0115 is undone by its own rollback.
create unique index uq_session_messages_session_id_position_user_id
    on agent_hub.session_messages (session_id, position, user_id);
alter table agent_hub.session_messages
    add constraint fk_session_messages_session_id foreign key (session_id)
        references agent_hub.sessions (id) on delete cascade;
