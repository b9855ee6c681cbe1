-- name: start_conversation(session_id, user_id, platform, chat_id, current_state, context_data)<!
-- Start a conversation (session:{session_id} of the seed).
insert into easyflow.conversations (session_id, user_id, platform, chat_id, current_state, context_data)
values (:session_id, :user_id, :platform, :chat_id, :current_state, :context_data)
returning id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at;

-- name: get_conversation(id)^
-- The conversation with this id.
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from easyflow.conversations
where id = :id;

-- name: get_conversation_by_session(session_id)^
-- The conversation of a session (the seed's session:{session_id} lookup).
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from easyflow.conversations
where session_id = :session_id;

-- name: find_conversation_by_chat(platform, chat_id)^
-- The latest conversation in a platform chat.
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from easyflow.conversations
where platform = :platform
  and chat_id = :chat_id
order by created_at desc, id desc
limit 1;

-- name: update_session_state(session_id, current_state, context_patch)<!
-- Set a session's state and merge a patch into its context in one statement (a null state keeps it).
update easyflow.conversations
set current_state = coalesce(:current_state, current_state),
    context_data = context_data || :context_patch
where session_id = :session_id
returning id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at;

-- name: set_conversation_status(id, status, context_patch)<!
-- Change a conversation's status (pause, resume, escalate, close) and merge a patch into its context.
update easyflow.conversations
set status = :status,
    context_data = context_data || :context_patch
where id = :id
returning id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at;

-- name: list_user_conversations(user_id, lim)
-- A user's conversations, latest activity first.
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from easyflow.conversations
where user_id = :user_id
order by updated_at desc, id desc
limit :lim;

-- name: list_escalated_conversations(lim)
-- The escalation queue: escalated conversations, longest waiting first.
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from easyflow.conversations
where status = 'escalated'
order by updated_at, id
limit :lim;

-- name: find_conversations_by_context(context, lim)
-- Conversations whose context contains the given object (jsonb containment), latest first.
-- The containment picks the rows (the GIN index), then the newest lim are sorted: a materialized CTE,
-- so that no plan walks every conversation by updated_at and filters (a generic plan cannot know how
-- selective the object is and guessed 1%; for an order id it read the whole table). A search is for
-- keys held by few conversations (an order, a ticket); one matching many reads all its matches.
with matching as materialized (
    select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count,
           created_at, updated_at, closed_at
    from easyflow.conversations
    where context_data @> :context
)
select id, session_id, user_id, platform, chat_id, status, current_state, context_data, messages_count, created_at, updated_at, closed_at
from matching
order by updated_at desc, id desc
limit :lim;

-- name: delete_conversation(id)!
-- Delete a conversation with its messages and deliveries.
delete from easyflow.conversations
where id = :id;
