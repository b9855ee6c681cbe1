-- depends: 0115_agent_hub_session_messages_key_index
--
-- agent_hub: session_messages are keyed (session_id, position, user_id) on 0115's index (renamed
-- pk_session_messages), and the id-only foreign key goes: 0113's (session_id, user_id) holds the
-- same rule with the tenant on both sides. Catalog changes only: the locks last an instant.
-- Positions stay unique per session: a session has one user, so the key refuses what it refused.
--
-- Row-level security reads the tenant on the row itself now, as on every other tenant table,
-- instead of looking up the session of every row it checks (the key guarantees they agree).
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint fk_session_messages_session_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint pk_session_messages;
alter table agent_hub.session_messages
    add constraint pk_session_messages primary key using index uq_session_messages_session_id_position_user_id;
alter policy rls_session_messages_own_session on agent_hub.session_messages
    using (user_id = (select core.acting_user()));
