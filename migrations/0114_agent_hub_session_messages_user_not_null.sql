-- depends: 0113_agent_hub_session_messages_user_checks
--
-- agent_hub: 0112's fill once more (a message another writer left without its user since), then
-- the two constraints of 0113 validated: VALIDATE takes SHARE UPDATE EXCLUSIVE, so appends and
-- reads go on while it scans. SET NOT NULL then finds the validated check proves the column and
-- scans nothing (an instant under ACCESS EXCLUSIVE, which the migrator's lock_timeout keeps from
-- queueing behind a long transaction); the check has done its job and goes.
update agent_hub.session_messages as m
set user_id = s.user_id
from agent_hub.sessions as s
where s.id = m.session_id
  and m.user_id is null;
alter table agent_hub.session_messages validate constraint ck_session_messages_user_id_not_null;
alter table agent_hub.session_messages validate constraint fk_session_messages_session_id_user_id;
alter table agent_hub.session_messages alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.session_messages drop constraint ck_session_messages_user_id_not_null;
