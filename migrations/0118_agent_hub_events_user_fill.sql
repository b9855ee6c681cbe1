-- depends: 0117_agent_hub_events_user
--
-- agent_hub: the events written before 0117 get their session's user. One UPDATE: it locks the rows
-- it writes (a mark of a turn's end or an error on one of them waits for it) and reads sessions
-- under ACCESS SHARE, so appends and reads go on. Events written meanwhile carry user_id already;
-- 0120 fills once more whatever was left, before it validates.
update agent_hub.events as e
set user_id = s.user_id
from agent_hub.sessions as s
where s.id = e.session_id
  and e.user_id is null;
