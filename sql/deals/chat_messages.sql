-- name: insert_chat_message(user_id, goal_id, role, content, tokens_used, meta_data)<!
-- Append a message to a user's conversation (optionally about a goal).
insert into deals.chat_messages (user_id, goal_id, role, content, tokens_used, meta_data, created_at)
values (:user_id, :goal_id, :role, :content, :tokens_used, :meta_data, clock_timestamp())
returning id, user_id, goal_id, role, content, tokens_used, created_at, meta_data;

-- name: list_chat_messages_for_user(user_id, lim)
-- A user's latest messages, in conversation order (oldest of them first).
select id, user_id, goal_id, role, content, tokens_used, created_at, meta_data
from (
    select id, user_id, goal_id, role, content, tokens_used, created_at, meta_data
    from deals.chat_messages
    where user_id = :user_id
    order by created_at desc, id desc
    limit :lim
) as latest
order by created_at, id;

-- name: list_chat_messages_for_goal(goal_id, lim)
-- The latest messages about a goal, in conversation order (oldest of them first).
select id, user_id, goal_id, role, content, tokens_used, created_at, meta_data
from (
    select id, user_id, goal_id, role, content, tokens_used, created_at, meta_data
    from deals.chat_messages
    where goal_id = :goal_id
    order by created_at desc, id desc
    limit :lim
) as latest
order by created_at, id;
