-- depends: 0106_easyflow_conversation_sessions_fill
--
-- easyflow: the rows 0106 wrote for conversations deleted while it ran go. 0106's snapshot saw
-- such a conversation, and the trigger's delete ran before 0106's row existed, so the row stayed
-- and would refuse the session id to anyone until the key moves (0109). Every delete since 0106
-- committed found its row, so what has no conversation now is exactly that. A re-key racing with
-- 0106 left a row under the old session id: the same test finds it. 0109 sweeps once more.
delete from easyflow.conversation_sessions as s
where not exists (
    select from easyflow.conversations as c
    where c.id = s.conversation_id
      and c.user_id = s.user_id
      and c.session_id = s.session_id
);
