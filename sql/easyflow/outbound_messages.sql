-- name: queue_outbound_message(conversation_id, content, role, intent, entities, confidence, metadata, max_attempts)<!
-- queue:send_messages: append an outbound message to the conversation's history and queue its delivery.
with conversation as (
    select id, session_id, user_id, platform, chat_id
    from easyflow.conversations
    where id = :conversation_id
),
message as (
    insert into easyflow.messages (
        conversation_id, session_id, user_id, content, role, direction, platform, intent, entities, confidence,
        metadata, created_at
    )
    select id, session_id, user_id, :content, :role, 'outbound', platform, :intent, :entities, :confidence,
           :metadata, clock_timestamp()
    from conversation
    returning id, conversation_id, user_id, platform, created_at
)
insert into easyflow.outbound_messages (
    user_id, conversation_id, message_id, message_created_at, platform, chat_id, max_attempts
)
select message.user_id, message.conversation_id, message.id, message.created_at, message.platform,
       conversation.chat_id, :max_attempts
from message
join conversation on conversation.id = message.conversation_id
returning id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at;

-- name: get_outbound_message(id)^
-- The delivery with this id.
select id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at
from easyflow.outbound_messages
where id = :id;

-- name: claim_outbound_messages(lim)
-- Claim up to lim deliveries whose turn has come (SKIP LOCKED): each becomes sending, one attempt more.
-- The picks are updated by key (id = any(array(...))), whatever a generic plan guesses of lim. The text
-- comes from the message by its whole key, user included: a message may keep its caller's id, so
-- another user's row can share (id, created_at).
with next as (
    select id
    from easyflow.outbound_messages
    where status in ('queued', 'failed')
      and run_after <= now()
    order by run_after
    limit :lim
    for update skip locked
),
claimed as (
    update easyflow.outbound_messages as o
    set status = 'sending',
        attempts = o.attempts + 1,
        claimed_at = now()
    where o.id = any(array(select id from next))
    returning o.id, o.user_id, o.conversation_id, o.message_id, o.message_created_at, o.platform, o.chat_id,
              o.attempts, o.max_attempts, o.run_after
)
select claimed.id, claimed.user_id, claimed.conversation_id, claimed.message_id, claimed.platform, claimed.chat_id,
       claimed.attempts, claimed.max_attempts, m.content
from claimed
join easyflow.messages as m
  on m.id = claimed.message_id and m.created_at = claimed.message_created_at and m.user_id = claimed.user_id
order by claimed.run_after, claimed.id;

-- name: mark_outbound_sent(id, platform_message_id)<!
-- A claimed delivery went out: sent, with the platform's id (copied onto the history message).
with sent as (
    update easyflow.outbound_messages
    set status = 'sent',
        sent_at = now(),
        platform_message_id = :platform_message_id,
        last_error = null
    where id = :id
      and status = 'sending'
    returning id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at
),
history as (
    update easyflow.messages as m
    set platform_message_id = sent.platform_message_id
    from sent
    where m.id = sent.message_id
      and m.created_at = sent.message_created_at
      and m.user_id = sent.user_id
)
select id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at
from sent;

-- name: mark_outbound_failed(id, error, backoff)<!
-- A claimed delivery failed: retried after backoff * 2^(attempts-1), or dead after max_attempts.
update easyflow.outbound_messages
set status = case when attempts >= max_attempts then 'dead'::easyflow.delivery_status else 'failed'::easyflow.delivery_status end,
    run_after = now() + :backoff::interval * power(2, attempts - 1),
    claimed_at = null,
    last_error = :error
where id = :id
  and status = 'sending'
returning id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at;

-- name: release_stale_outbound(older_than)!
-- Deliveries claimed longer than older_than ago (their worker is gone) count as failed attempts.
update easyflow.outbound_messages
set status = case when attempts >= max_attempts then 'dead'::easyflow.delivery_status else 'failed'::easyflow.delivery_status end,
    run_after = now(),
    claimed_at = null,
    last_error = 'claim expired'
where status = 'sending'
  and claimed_at < now() - :older_than::interval;

-- name: list_dead_letters(lim)
-- Deliveries that gave up, most recent first.
select id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at
from easyflow.outbound_messages
where status = 'dead'
order by updated_at desc, id desc
limit :lim;

-- name: requeue_dead_letter(id)<!
-- Give a dead delivery a fresh set of attempts.
update easyflow.outbound_messages
set status = 'queued',
    attempts = 0,
    run_after = now(),
    last_error = null
where id = :id
  and status = 'dead'
returning id, user_id, conversation_id, message_id, message_created_at, platform, chat_id, status, attempts, max_attempts, run_after, claimed_at, sent_at, last_error, platform_message_id, created_at, updated_at;
