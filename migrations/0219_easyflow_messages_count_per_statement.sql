-- depends: 0218_deals_goal_matches_per_statement
--
-- easyflow: conversations.messages_count is counted per statement, over the statement's transition
-- tables, as deals' goal counts are since 0218. Per row, a bulk write of N messages for one
-- conversation (an imported history through copy_models, a purge of one conversation) updated that
-- conversation N times in one transaction; every update walked the row versions the earlier ones
-- left, so the statement cost grew with N squared (20,000 messages into one conversation took 12.5 s
-- here, 0.6 s without the count; 50,000 would pass the 30 s statement timeout). Now each conversation
-- of the statement is updated once.
--
-- Locks stay where the per-row count took them: AFTER row triggers tg_messages_10_lock_conversation_*
-- lock the conversation of every inserted or deleted row, and the old then the new conversation of a
-- row changing conversation, with the old count triggers' WHEN clauses and names that run them
-- before the dedupe key's (tg_messages_20_key_*); the statement trigger then counts. Without them the
-- key came before the conversation, and a writer already holding the conversation (a session
-- update, an earlier append) deadlocked with a racing redelivery, purge or move (tested). Locking a
-- row the transaction already locked writes no new version, so a bulk import stays linear (20,000
-- keyed inbound messages into one conversation: 1.4 s). AFTER, not BEFORE: a BEFORE row trigger
-- would stop COPY from writing rows in batches. Like the old count, the insert half does nothing
-- while partition maintenance re-inserts rows with the DEFAULT partition detached.
--
-- What stays as it was:
-- * appending to a closed conversation raises SF141, and the whole statement writes nothing;
-- * a move to another conversation counts in both, also when it changes partition (PostgreSQL runs
--   that as a delete and an insert; the row is in the UPDATE's transition tables);
-- * rows partition maintenance re-inserts while the DEFAULT partition is detached are not counted.
-- What changes:
-- * an UPDATE changes each conversation by its rows after the statement minus its rows before, and
--   raises SF141 only when a closed conversation gains rows. So a closed conversation's message may
--   now change month (per row, the insert half of a partition change raised SF141), and a
--   statement that moves one row into a closed conversation and another out of it passes. Every
--   UPDATE statement on messages fires the count once (the send queue's mark_outbound_sent too), with
--   nothing to write unless a conversation's rows changed;
-- * statement triggers fire only for statements naming easyflow.messages. A statement naming one of
--   its partitions is not counted: only the owner and worker roles can write a partition at all
--   (core.secure_partitions forces row-level security on each with no policy), and the typed API
--   always names the parent.
-- Catalog changes only: DROP TRIGGER takes ACCESS EXCLUSIVE on messages and its partitions until this
-- migration commits (bounded by the migrator's lock_timeout).
create function easyflow.count_conversation_messages_per_statement()
returns trigger
language plpgsql
as $$
declare
    v_conversation record;
    v_status easyflow.conversation_status;
begin
    if tg_op = 'INSERT' then
        if easyflow.messages_default_detached() then
            return null;
        end if;
        for v_conversation in
            select conversation_id, count(*)::integer as n
            from inserted_messages
            where conversation_id is not null
            group by conversation_id
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count + v_conversation.n
            where id = v_conversation.conversation_id
            returning status into v_status;
            if v_status = 'closed' then
                raise exception using
                    errcode = 'SF141',
                    message = format('conversation %s is closed', v_conversation.conversation_id);
            end if;
        end loop;
    elsif tg_op = 'UPDATE' then
        -- Each conversation changes by its rows after the statement minus its rows before: exact for
        -- any UPDATE (a row moved to another partition is in both tables, as a moved row of the
        -- UPDATE). A conversation that gains rows must be open.
        for v_conversation in
            select conversation_id, sum(n)::integer as n
            from (
                select conversation_id, 1 as n from new_messages
                union all
                select conversation_id, -1 from old_messages
            ) as rows
            where conversation_id is not null
            group by conversation_id
            having sum(n) <> 0
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count + v_conversation.n
            where id = v_conversation.conversation_id
            returning status into v_status;
            if v_conversation.n > 0 and v_status = 'closed' then
                raise exception using
                    errcode = 'SF141',
                    message = format('conversation %s is closed', v_conversation.conversation_id);
            end if;
        end loop;
    else
        for v_conversation in
            select conversation_id, count(*)::integer as n
            from deleted_messages
            where conversation_id is not null
            group by conversation_id
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count - v_conversation.n
            where id = v_conversation.conversation_id;
        end loop;
    end if;
    return null;
end;
$$;

comment on function easyflow.count_conversation_messages_per_statement() is
    'conversations.messages_count for a statement''s inserted, moved or deleted messages: one update per conversation; SF141 when a closed one gains a message.';

-- The conversation(s) of an inserted, deleted or moved row, in the per-row count's order (see above).
create function easyflow.lock_message_conversation()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.conversation_id is not null then
        perform 1 from easyflow.conversations where id = old.conversation_id for no key update;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.conversation_id is not null then
        perform 1 from easyflow.conversations where id = new.conversation_id for no key update;
    end if;
    return null;
end;
$$;

comment on function easyflow.lock_message_conversation() is
    'Locks the conversation(s) of an inserted, deleted or moved message before its dedupe key is written, where the per-row count did.';

drop trigger tg_messages_10_count_insert on easyflow.messages;
drop trigger tg_messages_10_count_update on easyflow.messages;
drop trigger tg_messages_10_count_delete on easyflow.messages;
create trigger tg_messages_10_count_insert after insert on easyflow.messages
    referencing new table as inserted_messages
    for each statement execute function easyflow.count_conversation_messages_per_statement();
create trigger tg_messages_10_count_update after update on easyflow.messages
    referencing old table as old_messages new table as new_messages
    for each statement execute function easyflow.count_conversation_messages_per_statement();
create trigger tg_messages_10_count_delete after delete on easyflow.messages
    referencing old table as deleted_messages
    for each statement execute function easyflow.count_conversation_messages_per_statement();
create trigger tg_messages_10_lock_conversation_insert after insert on easyflow.messages
    for each row when (new.conversation_id is not null)
    execute function easyflow.lock_message_conversation();
create trigger tg_messages_10_lock_conversation_update after update of conversation_id on easyflow.messages
    for each row when (old.conversation_id is distinct from new.conversation_id)
    execute function easyflow.lock_message_conversation();
create trigger tg_messages_10_lock_conversation_delete after delete on easyflow.messages
    for each row when (old.conversation_id is not null)
    execute function easyflow.lock_message_conversation();

select core.grant_domain_privileges('easyflow');
