-- depends: 0119_agent_hub_events_user_checks
--
-- agent_hub: 0118's fill once more, then 0119's two constraints validated (SHARE UPDATE EXCLUSIVE:
-- appends and reads go on while it scans); SET NOT NULL then finds the validated check proves the
-- column and scans nothing, and the check goes.
update agent_hub.events as e
set user_id = s.user_id
from agent_hub.sessions as s
where s.id = e.session_id
  and e.user_id is null;
alter table agent_hub.events validate constraint ck_events_user_id_not_null;
alter table agent_hub.events validate constraint fk_events_session_id_user_id;
alter table agent_hub.events alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint ck_events_user_id_not_null;
