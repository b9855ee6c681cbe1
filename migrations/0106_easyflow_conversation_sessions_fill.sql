-- depends: 0105_easyflow_conversation_sessions
--
-- easyflow: conversation_sessions gets the conversations that existed before its trigger (0105).
-- One INSERT ... SELECT: it reads conversations under ACCESS SHARE, so they are written on as it
-- runs; a conversation started meanwhile is indexed by the trigger (ON CONFLICT leaves it). A
-- conversation deleted after this statement's snapshot was taken would leave its row behind: 0107
-- sweeps those before the unique key moves.
insert into easyflow.conversation_sessions (session_id, user_id, conversation_id)
select session_id, user_id, id
from easyflow.conversations
on conflict (session_id) do nothing;
