-- name: record_event(event_type, source, user_id, agent_id, event_data, occurred_at)<!
-- Record one system event (at occurred_at, default now).
insert into analytics.system_events (event_type, source, user_id, agent_id, event_data, occurred_at)
values (:event_type, :source, :user_id, :agent_id, :event_data, coalesce(:occurred_at, now()))
returning id, event_type, source, user_id, agent_id, event_data, occurred_at;

-- name: list_events_by_type(event_type, since, until, lim)
-- Events of a type in [since, until), newest first; only the months in range are scanned.
select id, event_type, source, user_id, agent_id, event_data, occurred_at
from analytics.system_events
where event_type = :event_type
  and occurred_at >= :since
  and occurred_at < :until
order by occurred_at desc, id
limit :lim;

-- name: search_events(event_data, since, until, lim)
-- Events whose data contains the given json object, in [since, until), newest first.
select id, event_type, source, user_id, agent_id, event_data, occurred_at
from analytics.system_events
where event_data @> :event_data
  and occurred_at >= :since
  and occurred_at < :until
order by occurred_at desc, id
limit :lim;
