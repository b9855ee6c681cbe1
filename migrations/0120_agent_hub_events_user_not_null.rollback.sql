alter table agent_hub.events alter column user_id drop not null;
alter table agent_hub.events
    add constraint ck_events_user_id_not_null check (user_id is not null) not valid;
-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0119 added it.
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id_user_id;
alter table agent_hub.events
    add constraint fk_events_session_id_user_id foreign key (session_id, user_id)
        references agent_hub.sessions (id, user_id) on delete cascade not valid;
