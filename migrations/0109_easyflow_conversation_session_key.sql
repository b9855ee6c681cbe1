-- depends: 0108_easyflow_conversation_session_key_index
--
-- easyflow: conversations are unique on (session_id, user_id), the key holding Citus' distribution
-- column; a session id stays unique across users through pk_conversation_sessions (0105).
--
-- First 0107's sweep once more (a row without its conversation can only be one 0106 wrote for a
-- conversation deleted meanwhile, and 0107 removed those; this keeps the key's move safe even if
-- something else left one). Then the constraints: ADD CONSTRAINT ... USING INDEX and DROP CONSTRAINT change the catalog
-- only, so the ACCESS EXCLUSIVE lock lasts an instant, and the migrator's lock_timeout keeps it
-- from queueing behind a long transaction.
delete from easyflow.conversation_sessions as s
where not exists (
    select from easyflow.conversations as c
    where c.id = s.conversation_id
      and c.user_id = s.user_id
      and c.session_id = s.session_id
);
alter table easyflow.conversations
    add constraint uq_conversations_session_id_user_id
    unique using index uq_conversations_session_id_user_id;
-- The global uniqueness this constraint gave is pk_conversation_sessions' now (see above).
-- squawk-ignore ban-drop-constraint
alter table easyflow.conversations drop constraint uq_conversations_session_id;
