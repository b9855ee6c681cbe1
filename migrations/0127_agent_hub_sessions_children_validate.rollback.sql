-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0126 added them.
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint fk_session_messages_session_id_user_id;
alter table agent_hub.session_messages
    add constraint fk_session_messages_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id_user_id;
alter table agent_hub.events
    add constraint fk_events_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
