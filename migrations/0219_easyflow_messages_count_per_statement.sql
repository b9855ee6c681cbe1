-- depends: 0218_deals_goal_matches_per_statement
--
-- easyflow: conversations.messages_count is counted per statement, over the statement's transition
-- tables, as deals' goal counts are since 0218. Per row, a bulk write of N
-- messages for one conversation (an imported history through copy_models, a purge of one
-- conversation) updated that conversation N times in one transaction; every update walked the row
-- versions the earlier ones left, so the statement cost grew with N squared (20,000 messages into one
-- conversation took 12.5 s here, 0.6 s without the count; 50,000 would pass the 30 s statement
-- timeout). Now each conversation of the statement is updated once, in id order.
--
-- What stays as it was:
-- * appending to a closed conversation raises SF141, and the whole statement writes nothing;
-- * a move to another conversation counts in both, and a move into a closed one raises SF141;
-- * rows partition maintenance re-inserts while the DEFAULT partition is detached are not counted.
-- What changes:
-- * moving a message of a closed conversation to another month (an update of created_at) is no
--   longer refused: PostgreSQL runs an update that changes partition as a delete and an insert, and
--   the per-row insert half raised SF141. Only a row that changes conversation counts now, in both
--   conversations, whether or not it changes partition (a moved row is in the UPDATE's transition
--   tables); every UPDATE statement on messages fires the count once, with nothing to do unless a
--   row changed conversation (the typed API updates no message);
-- * the count locks the conversation row at the end of the statement. An inbound message with a
--   dedupe key still locks its conversation first, before the key (tg_messages_05_lock_conversation,
--   a BEFORE INSERT row trigger, as the count's row trigger did): otherwise a delivery already holding
--   the conversation (a session update, an earlier append) that waits on a racing redelivery's key
--   would deadlock with that redelivery waiting for the conversation. Locking a row the transaction
--   already locked writes no new version, so a bulk import stays linear;
-- * statement triggers fire only for statements naming easyflow.messages. A statement naming one of
--   its partitions is not counted: only the owner and worker roles can write a partition at all
--   (core.secure_partitions forces row-level security on each with no policy), and the typed API
--   always names the parent.
-- Catalog changes only: DROP TRIGGER takes messages' ACCESS EXCLUSIVE lock first, for a moment.
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
        -- A row whose conversation changed leaves the old one and joins the new one (rows are paired
        -- by id: a row moved to another partition is in both tables, as a moved row of the UPDATE).
        for v_conversation in
            select conversation_id, sum(joined)::integer as joined, sum(left_it)::integer as left_it
            from (
                select n.conversation_id, 1 as joined, 0 as left_it
                from new_messages as n
                where not exists (
                    select 1 from old_messages as o
                    where o.id = n.id and o.conversation_id is not distinct from n.conversation_id
                )
                union all
                select o.conversation_id, 0, 1
                from old_messages as o
                where not exists (
                    select 1 from new_messages as n
                    where n.id = o.id and n.conversation_id is not distinct from o.conversation_id
                )
            ) as moved
            where conversation_id is not null
            group by conversation_id
            order by conversation_id
        loop
            update easyflow.conversations
            set messages_count = messages_count + v_conversation.joined - v_conversation.left_it
            where id = v_conversation.conversation_id
            returning status into v_status;
            if v_conversation.joined > 0 and v_status = 'closed' then
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
    'conversations.messages_count for a statement''s inserted or deleted messages: one update per conversation, in id order; SF141 for a closed one.';

-- The conversation before the dedupe key, for every keyed inbound row (see above).
create function easyflow.lock_message_conversation()
returns trigger
language plpgsql
as $$
begin
    perform 1 from easyflow.conversations where id = new.conversation_id for no key update;
    return new;
end;
$$;

comment on function easyflow.lock_message_conversation() is
    'Locks an inbound keyed message''s conversation before its dedupe key is written, as every appender does.';

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
create trigger tg_messages_05_lock_conversation before insert on easyflow.messages
    for each row when (
        new.direction = 'inbound' and new.platform_message_id is not null and new.conversation_id is not null
    )
    execute function easyflow.lock_message_conversation();

select core.grant_domain_privileges('easyflow');
