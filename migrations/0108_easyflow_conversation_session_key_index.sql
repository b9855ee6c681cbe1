-- depends: 0107_easyflow_conversation_sessions_sweep
-- transactional: false
--
-- easyflow: the index of conversations' tenant session key (session_id, user_id), built without
-- blocking writes; 0109 makes it the unique key in place of uq_conversations_session_id. session_id
-- leads, so the lookup of a session (get_conversation_by_session, update_session_state) reads it
-- as it read the old key, and it does not compete with the user_id-led indexes of a user's lists.
create unique index concurrently if not exists uq_conversations_session_id_user_id
    on easyflow.conversations (session_id, user_id);
