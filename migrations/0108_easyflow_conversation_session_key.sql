-- depends: 0107_easyflow_conversation_session_key_index
--
-- easyflow: conversations are unique on (session_id, user_id), the key holding Citus' distribution
-- column; a session id stays unique across users through pk_conversation_sessions (0105).
--
-- First the sweep: a conversation deleted while 0106 filled the index could leave its row there
-- (0106's snapshot saw it, the trigger's delete ran before the row existed). Every delete since
-- 0106 committed found its row, so what is left without its conversation now is exactly that.
-- Then the constraints: ADD CONSTRAINT ... USING INDEX and DROP CONSTRAINT change the catalog
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
