-- depends: 0111_agent_hub_session_messages_user
--
-- agent_hub: the messages written before 0111 get their session's user. One UPDATE: it locks the
-- rows it writes, which nobody else writes (messages are append-only), and reads sessions under
-- ACCESS SHARE, so appends and reads go on. Messages appended meanwhile carry user_id already;
-- 0114 fills once more whatever another writer left, before it validates.
update agent_hub.session_messages as m
set user_id = s.user_id
from agent_hub.sessions as s
where s.id = m.session_id
  and m.user_id is null;
