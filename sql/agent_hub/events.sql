-- name: append_event(session_id, author, content, metadata, partial, turn_complete, error_code, error_message)<!
-- Append an event with the session's next sequence number. The session row lock taken by the update
-- serialises concurrent appends, so numbers run 1, 2, 3... with no gap and no duplicate. The event
-- carries its session's user (the tenant Citus routes it by).
with next_number as (
    update agent_hub.sessions
    set last_event_sequence = last_event_sequence + 1
    where id = :session_id
    returning id, user_id, last_event_sequence
)
insert into agent_hub.events (
    session_id, user_id, sequence_number, author, content, metadata, partial, turn_complete, error_code,
    error_message
)
select id, user_id, last_event_sequence, :author, :content, :metadata, :partial, :turn_complete, :error_code,
       :error_message
from next_number
returning id, session_id, sequence_number, author, content, metadata, partial, turn_complete,
          error_code, error_message, "timestamp";

-- name: list_session_events(session_id, after_sequence, lim)
-- A page of a session's events in order, after the last sequence number seen (0 for the start).
select id, session_id, sequence_number, author, content, metadata, partial, turn_complete,
       error_code, error_message, "timestamp"
from agent_hub.events
where session_id = :session_id
  and sequence_number > :after_sequence
order by sequence_number
limit :lim;

-- name: stream_session_events(session_id)
-- Every event of a session in order, streamed through a cursor.
select id, session_id, sequence_number, author, content, metadata, partial, turn_complete,
       error_code, error_message, "timestamp"
from agent_hub.events
where session_id = :session_id
order by sequence_number;

-- name: mark_turn_complete(session_id, sequence_number)<!
-- Mark a streamed event as the final, complete one of its turn.
update agent_hub.events
set turn_complete = true,
    partial = false
where session_id = :session_id
  and sequence_number = :sequence_number
returning id, session_id, sequence_number, author, content, metadata, partial, turn_complete,
          error_code, error_message, "timestamp";

-- name: record_event_error(session_id, sequence_number, error_code, error_message)<!
-- Attach an error to an event.
update agent_hub.events
set error_code = :error_code,
    error_message = :error_message
where session_id = :session_id
  and sequence_number = :sequence_number
returning id, session_id, sequence_number, author, content, metadata, partial, turn_complete,
          error_code, error_message, "timestamp";

-- name: count_session_errors(session_id)$
-- How many events of a session carry an error.
select count(*)
from agent_hub.events
where session_id = :session_id
  and error_code is not null;
