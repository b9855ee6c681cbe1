-- name: insert_session(agent_id, user_id, external_session_id, state)<!
-- Start a session of an agent for a user.
insert into agent_hub.sessions (agent_id, user_id, external_session_id, state)
values (:agent_id, :user_id, :external_session_id, :state)
returning id, agent_id, user_id, external_session_id, message_history, message_count, state,
          last_event_sequence, created_at, updated_at;

-- name: get_session_by_id(id)^
-- The session with this id, with its whole message history.
select id, agent_id, user_id, external_session_id, message_history, message_count, state,
       last_event_sequence, created_at, updated_at
from agent_hub.sessions
where id = :id;

-- name: find_session_by_external_id(external_session_id)^
-- The newest session carrying this external id.
select id, agent_id, user_id, external_session_id, message_history, message_count, state,
       last_event_sequence, created_at, updated_at
from agent_hub.sessions
where external_session_id = :external_session_id
order by created_at desc
limit 1;

-- name: append_session_messages(id, messages)$
-- Append messages to the history (message_history, message_count and session_messages together,
-- under the session's row lock: concurrent appends all land at dense positions); the new count.
select agent_hub.append_session_messages(:id, :messages);

-- name: update_session_state(id, state)<!
-- Replace the session's state.
update agent_hub.sessions
set state = :state
where id = :id
returning id, agent_id, user_id, external_session_id, message_history, message_count, state,
          last_event_sequence, created_at, updated_at;

-- name: list_sessions_for_user(user_id, lim)
-- A user's sessions, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, message_count, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where user_id = :user_id
order by updated_at desc, id desc
limit :lim;

-- name: delete_session(id)!
-- Delete a session, its messages and its events.
delete from agent_hub.sessions
where id = :id;

-- name: list_sessions_for_user_agent(user_id, agent_id, lim)
-- A user's sessions with one agent, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, message_count, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where user_id = :user_id
  and agent_id = :agent_id
order by updated_at desc, id desc
limit :lim;

-- name: list_sessions_for_agent(agent_id, lim)
-- An agent's sessions, most recently active first, without their message history.
select id, agent_id, user_id, external_session_id, message_count, last_event_sequence, created_at, updated_at
from agent_hub.sessions
where agent_id = :agent_id
order by updated_at desc, id desc
limit :lim;

-- name: get_session_history_page(id, before, lim)^
-- Up to lim messages of a session's history just before position `before` (the end when null), in
-- order. Positions are dense (0 .. message_count - 1), so the page is the key range
-- [end - lim, end) of pk_session_messages: whatever the plan, it reads the page's rows and no
-- others (a LIMIT on a backward scan was planned as a bitmap scan of the whole session when the
-- planner expected a short one); the stored message_history is not read.
select s.message_count as total,
       coalesce(p.first_position, e.end_position) as first_position,
       coalesce(p.messages, '[]'::jsonb) as messages
from agent_hub.sessions as s
cross join lateral (
    select greatest(least(coalesce(:before::integer, s.message_count), s.message_count), 0) as end_position
) as e
cross join lateral (
    select min(sm.position) as first_position, jsonb_agg(sm.message order by sm.position) as messages
    from agent_hub.session_messages as sm
    where sm.session_id = s.id
      and sm.position >= e.end_position - :lim::integer
      and sm.position < e.end_position
) as p
where s.id = :id;
