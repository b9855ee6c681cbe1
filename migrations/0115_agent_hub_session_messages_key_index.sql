-- depends: 0114_agent_hub_session_messages_user_not_null
-- transactional: false
--
-- agent_hub: the index of session_messages' tenant key (session_id, position, user_id), built
-- without blocking writes; 0116 makes it the primary key. session_id and position lead as in the
-- key it replaces, so a page of history stays a key range of it.
create unique index concurrently if not exists uq_session_messages_session_id_position_user_id
    on agent_hub.session_messages (session_id, position, user_id);
