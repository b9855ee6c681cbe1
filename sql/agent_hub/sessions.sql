-- name: insert_session(agent_id, user_id, external_session_id, state)<!
-- Start a session of an agent for a user.
insert into agent_hub.sessions (agent_id, user_id, external_session_id, state)
values (:agent_id, :user_id, :external_session_id, :state)
returning id, agent_id, user_id, external_session_id, message_history, state, last_event_sequence,
          created_at, updated_at;

-- name: get_session_by_id(id)^
-- The session with this id, with its whole message history.
select id, agent_id, user_id, external_session_id, message_history, state, last_event_sequence,
       created_at, updated_at
from agent_hub.sessions
where id = :id;

-- name: find_session_by_external_id(external_session_id)^
-- The newest session carrying this external id.
select id, agent_id, user_id, external_session_id, message_history, state, last_event_sequence,
       created_at, updated_at
from agent_hub.sessions
where external_session_id = :external_session_id
order by created_at desc
limit 1;

-- name: append_session_messages(id, messages)<!
-- Append messages to the history in one statement: concurrent appends all land, none overwrites another.
update agent_hub.sessions
set message_history = message_history || :messages
where id = :id
returning jsonb_array_length(message_history);

-- name: update_session_state(id, state)<!
-- Replace the session's state.
update agent_hub.sessions
set state = :state
where id = :id
returning id, agent_id, user_id, external_session_id, message_history, state, last_event_sequence,
          created_at, updated_at;

-- name: list_sessions_for_user(user_id, lim)
-- A user's sessions, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where user_id = :user_id
order by updated_at desc, id desc
limit :lim;

-- name: delete_session(id)!
-- Delete a session and its events.
delete from agent_hub.sessions
where id = :id;

-- name: list_sessions_for_user_agent(user_id, agent_id, lim)
-- A user's sessions with one agent, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where user_id = :user_id
  and agent_id = :agent_id
order by updated_at desc, id desc
limit :lim;

-- name: list_sessions_for_agent(agent_id, lim)
-- An agent's sessions, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where agent_id = :agent_id
order by updated_at desc, id desc
limit :lim;

-- name: get_session_history_page(id, before, lim)^
-- Up to lim messages of a session's history just before position `before` (the end when null), in order.
select n.total, f.first_position,
       case when e.end_position > f.first_position
            then jsonb_path_query_array(
                s.message_history, '$[$from to $to]',
                jsonb_build_object('from', f.first_position, 'to', e.end_position - 1)
            )
            else '[]'::jsonb
       end as messages
from agent_hub.sessions as s
cross join lateral (select jsonb_array_length(s.message_history) as total) as n
cross join lateral (
    select greatest(least(coalesce(:before::integer, n.total), n.total), 0) as end_position
) as e
cross join lateral (select greatest(e.end_position - :lim::integer, 0) as first_position) as f
where s.id = :id;
