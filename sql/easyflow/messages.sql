-- name: append_inbound_message(id, conversation_id, session_id, user_id, content, role, platform, platform_message_id, intent, entities, confidence, metadata, created_at)<!
-- Store an inbound message once per (user, platform, platform_message_id), also when deliveries race.
select id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata, created_at, id <> :id as duplicate
from easyflow.append_inbound_message(
    :id, :conversation_id, :session_id, :user_id, :content, :role, :platform, :platform_message_id, :intent,
    :entities, :confidence, :metadata, :created_at
);

-- name: append_message(conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata)<!
-- Append a message without dedupe or delivery (system notes, assistant replies delivered elsewhere).
insert into easyflow.messages (
    conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent,
    entities, confidence, metadata, created_at
)
values (
    :conversation_id, :session_id, :user_id, :content, :role, :direction, :platform, :platform_message_id, :intent,
    :entities, :confidence, :metadata, clock_timestamp()
)
returning id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata, created_at;

-- name: get_inbound_message(user_id, platform, platform_message_id)^
-- The inbound message a platform delivered with this id.
select m.id, m.conversation_id, m.session_id, m.user_id, m.content, m.role, m.direction, m.platform,
       m.platform_message_id, m.intent, m.entities, m.confidence, m.metadata, m.created_at
from easyflow.message_platform_ids as k
join easyflow.messages as m
  on m.id = k.message_id and m.created_at = k.message_created_at and m.user_id = k.user_id
where k.user_id = :user_id
  and k.platform = :platform
  and k.platform_message_id = :platform_message_id;

-- name: list_conversation_messages(conversation_id, before_created_at, before_id, lim)
-- A page of a conversation's history, newest first, after the keyset (before_created_at, before_id).
select id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata, created_at
from easyflow.messages
where conversation_id = :conversation_id
  and (created_at, id) < (:before_created_at, :before_id)
  and created_at <= :before_created_at
order by created_at desc, id desc
limit :lim;

-- name: search_messages(user_id, intent, entities, since, until, lim)
-- A user's messages of one intent whose entities contain the given object, in [since, until), newest first.
select id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata, created_at
from easyflow.messages
where user_id = :user_id
  and intent = :intent
  and entities @> :entities
  and created_at >= :since
  and created_at < :until
order by created_at desc, id desc
limit :lim;

-- name: find_messages_by_entities(entities, since, until, lim)
-- Messages whose entities contain the given object in [since, until), newest first (GIN).
select id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id, intent, entities, confidence, metadata, created_at
from easyflow.messages
where entities @> :entities
  and created_at >= :since
  and created_at < :until
order by created_at desc, id desc
limit :lim;

-- name: purge_message_platform_ids(before, lim)!
-- Forget up to lim dedupe keys of inbound messages created before `before` (past retention), the
-- oldest first, skipping keys another writer holds; returns how many (sqlfirst.batches:
-- messages.purge_dedupe_keys repeats it). The keys come from the message_created_at index in order
-- up to the limit and are deleted by their row address (a TID scan), so no plan, generic included,
-- reads the table: a month of keys is millions of rows, which one statement would lock and log at once.
-- The delete names its rows by address alone: repeating the cut-off there let a custom plan, told by
-- statistics older than the keys that none is past retention, walk the time index again and test every
-- key's address against the whole batch (keys x batch comparisons). A row address names a row only
-- within one table, which this one is (not partitioned, ONLY for no child by inheritance either;
-- tests/easyflow/test_maintenance_batches.py).
delete from only easyflow.message_platform_ids
where ctid = any(array(
    select ctid
    from only easyflow.message_platform_ids
    where message_created_at < :before
    order by message_created_at
    limit :lim
    for update skip locked
));
