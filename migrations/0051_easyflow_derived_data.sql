-- depends: 0050_easyflow_schema
--
-- easyflow: what the database keeps by itself, because no caller may forget it and it must hold under
-- concurrency.
--
-- * integrations.next_sync_at = last_sync_at + sync_interval_minutes, or created_at before the first
--   sync (due at once); recomputed on every write of the row, whatever the caller sent.
-- * An integration can only be made on an active platform (SQLSTATE SF142,
--   sqlfirst.easyflow.errors.PlatformInactive).
-- * conversations.closed_at is stamped when the status becomes closed and is null otherwise
--   (ck_conversations_closed_at says so too). Closed is final: changing a closed conversation's status,
--   or appending a message to it, raises SF141 (sqlfirst.easyflow.errors.ConversationClosed).
-- * conversations.messages_count follows the messages of the conversation (insert, move, delete);
--   the conversation's row lock serialises concurrent appends, so no count is lost. Partitions
--   detached or dropped by retention fire no row trigger: the count is the number of messages ever
--   appended, as the seed's "metrics" column means it.
-- * Inbound dedupe: an inbound message with a platform_message_id writes its key into
--   message_platform_ids in the same transaction (and moves or deletes it with the message). A second
--   delivery waits on the first's uncommitted key and then fails on pk_message_platform_ids;
--   easyflow.append_inbound_message catches exactly that and returns the stored message instead, so
--   any number of racing deliveries store one row.
-- * Partition maintenance moving rows out of the DEFAULT partition re-inserts them: not new messages,
--   so neither trigger counts or keys them (easyflow.messages_default_detached()).
-- * sync_logs.duration_seconds is a generated column (0050).
-- * A delivery queued in outbound_messages wakes idle send workers: NOTIFY easyflow_send_messages with
--   the platform as payload (delivered at commit, once per platform and transaction).

create function easyflow.set_next_sync_at()
returns trigger
language plpgsql
as $$
begin
    new.next_sync_at := case
        when new.last_sync_at is null then new.created_at
        else new.last_sync_at + make_interval(mins => new.sync_interval_minutes)
    end;
    return new;
end;
$$;

create trigger tg_integrations_next_sync_at before insert or update on easyflow.integrations
    for each row execute function easyflow.set_next_sync_at();

create function easyflow.check_platform_active()
returns trigger
language plpgsql
as $$
begin
    if not exists (select 1 from easyflow.platforms p where p.id = new.platform_id and p.is_active) then
        if exists (select 1 from easyflow.platforms p where p.id = new.platform_id) then
            raise exception using
                errcode = 'SF142',
                message = format('platform %s is not active', new.platform_id);
        end if;
        -- An unknown platform is fk_integrations_platform_id's to report.
    end if;
    return new;
end;
$$;

create trigger tg_integrations_platform_active before insert or update of platform_id on easyflow.integrations
    for each row execute function easyflow.check_platform_active();

create function easyflow.set_closed_at()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'UPDATE' and old.status = 'closed' then
        if new.status <> 'closed' then
            raise exception using
                errcode = 'SF141',
                message = format('conversation %s is closed', old.id);
        end if;
        new.closed_at := old.closed_at;
        return new;
    end if;
    new.closed_at := case when new.status = 'closed' then now() end;
    return new;
end;
$$;

create trigger tg_conversations_closed_at before insert or update of status, closed_at on easyflow.conversations
    for each row execute function easyflow.set_closed_at();

-- True while core.run_partition_maintenance moves rows out of the DEFAULT partition of messages: it
-- detaches the default (which drops the default's cloned row triggers, so the delete fires nothing),
-- creates the month's partition and re-inserts the rows there, all under an ACCESS EXCLUSIVE lock on
-- messages. Those inserts are not new messages: the triggers below ignore them, so messages_count and
-- the dedupe keys stay as they were. No other writer can insert while the default is detached (the
-- lock), and the default is attached again before that transaction ends.
create function easyflow.messages_default_detached()
returns boolean
language sql
stable
as $$
    select exists (
        select 1
        from pg_class c
        where c.oid = to_regclass('easyflow.messages_default')
          and not c.relispartition
    )
$$;

create function easyflow.count_conversation_messages()
returns trigger
language plpgsql
as $$
declare
    v_status easyflow.conversation_status;
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.conversation_id is not null then
        update easyflow.conversations
        set messages_count = messages_count - 1
        where id = old.conversation_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.conversation_id is not null then
        update easyflow.conversations
        set messages_count = messages_count + 1
        where id = new.conversation_id
        returning status into v_status;
        if v_status = 'closed' then
            raise exception using
                errcode = 'SF141',
                message = format('conversation %s is closed', new.conversation_id);
        end if;
    end if;
    return null;
end;
$$;

create trigger tg_messages_10_count_insert after insert on easyflow.messages
    for each row when (new.conversation_id is not null)
    execute function easyflow.count_conversation_messages();
create trigger tg_messages_10_count_update after update of conversation_id on easyflow.messages
    for each row when (old.conversation_id is distinct from new.conversation_id)
    execute function easyflow.count_conversation_messages();
create trigger tg_messages_10_count_delete after delete on easyflow.messages
    for each row when (old.conversation_id is not null)
    execute function easyflow.count_conversation_messages();

create function easyflow.key_inbound_message()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' and easyflow.messages_default_detached() then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') and old.direction = 'inbound' and old.platform_message_id is not null then
        delete from easyflow.message_platform_ids k
        where k.user_id = old.user_id
          and k.platform = old.platform
          and k.platform_message_id = old.platform_message_id
          and k.message_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.direction = 'inbound' and new.platform_message_id is not null then
        insert into easyflow.message_platform_ids (user_id, platform, platform_message_id, message_id, message_created_at)
        values (new.user_id, new.platform, new.platform_message_id, new.id, new.created_at);
    end if;
    return null;
end;
$$;

create trigger tg_messages_20_key_insert after insert on easyflow.messages
    for each row when (new.direction = 'inbound' and new.platform_message_id is not null)
    execute function easyflow.key_inbound_message();
create trigger tg_messages_20_key_update
    after update of user_id, platform, platform_message_id, direction, created_at on easyflow.messages
    for each row execute function easyflow.key_inbound_message();
create trigger tg_messages_20_key_delete after delete on easyflow.messages
    for each row when (old.direction = 'inbound' and old.platform_message_id is not null)
    execute function easyflow.key_inbound_message();

-- The stored inbound message with this key, or a row of nulls. A key whose message is gone (its
-- partition left by retention) is removed: the platform may deliver the id again as a new message.
create function easyflow.stored_inbound_message(p_user_id uuid, p_platform text, p_platform_message_id text)
returns easyflow.messages
language plpgsql
as $$
declare
    v_key easyflow.message_platform_ids;
    v_message easyflow.messages;
begin
    select k.* into v_key
    from easyflow.message_platform_ids k
    where k.user_id = p_user_id
      and k.platform = p_platform
      and k.platform_message_id = p_platform_message_id;
    if not found then
        return v_message;
    end if;
    select m.* into v_message
    from easyflow.messages m
    where m.id = v_key.message_id
      and m.created_at = v_key.message_created_at;
    if not found then
        delete from easyflow.message_platform_ids k
        where k.user_id = p_user_id
          and k.platform = p_platform
          and k.platform_message_id = p_platform_message_id
          and k.message_id = v_key.message_id;
    end if;
    return v_message;
end;
$$;

create function easyflow.append_inbound_message(
    p_id uuid,
    p_conversation_id uuid,
    p_session_id text,
    p_user_id uuid,
    p_content text,
    p_role easyflow.message_role,
    p_platform text,
    p_platform_message_id text,
    p_intent text,
    p_entities jsonb,
    p_confidence numeric,
    p_metadata jsonb,
    p_created_at timestamptz
)
returns easyflow.messages
language plpgsql
as $$
declare
    v_message easyflow.messages;
    v_constraint text;
begin
    if p_platform_message_id is not null then
        v_message := easyflow.stored_inbound_message(p_user_id, p_platform, p_platform_message_id);
        if v_message.id is not null then
            return v_message;
        end if;
    end if;
    begin
        -- clock_timestamp(): messages of one conversation appended in one transaction keep their order.
        insert into easyflow.messages (
            id, conversation_id, session_id, user_id, content, role, direction, platform, platform_message_id,
            intent, entities, confidence, metadata, created_at
        )
        values (
            p_id, p_conversation_id, p_session_id, p_user_id, p_content, p_role, 'inbound', p_platform,
            p_platform_message_id, p_intent, coalesce(p_entities, '{}'), p_confidence, coalesce(p_metadata, '{}'),
            coalesce(p_created_at, clock_timestamp())
        )
        returning * into v_message;
    exception when unique_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint is distinct from 'pk_message_platform_ids' then
            raise;
        end if;
        -- A concurrent delivery committed first; this statement's fresh snapshot sees its row.
        v_message := easyflow.stored_inbound_message(p_user_id, p_platform, p_platform_message_id);
        if v_message.id is null then
            -- Only a snapshot older than the winner's commit (REPEATABLE READ, SERIALIZABLE) gets here.
            raise exception using
                errcode = 'serialization_failure',
                message = format('inbound message %s of %s was stored concurrently; retry', p_platform_message_id, p_platform);
        end if;
    end;
    return v_message;
end;
$$;

comment on function easyflow.append_inbound_message(
    uuid, uuid, text, uuid, text, easyflow.message_role, text, text, text, jsonb, numeric, jsonb, timestamptz
) is 'Stores an inbound message once per (user, platform, platform_message_id); returns the stored row (p_id when new).';

create function easyflow.notify_outbound_queued()
returns trigger
language plpgsql
as $$
begin
    perform pg_notify('easyflow_send_messages', new.platform);
    return null;
end;
$$;

create trigger tg_outbound_messages_notify after insert on easyflow.outbound_messages
    for each row execute function easyflow.notify_outbound_queued();

-- updated_at, everywhere the column exists.
create trigger tg_users_updated_at before update on easyflow.users
    for each row execute function core.set_updated_at();
create trigger tg_integrations_updated_at before update on easyflow.integrations
    for each row execute function core.set_updated_at();
create trigger tg_conversations_updated_at before update on easyflow.conversations
    for each row execute function core.set_updated_at();
create trigger tg_outbound_messages_updated_at before update on easyflow.outbound_messages
    for each row execute function core.set_updated_at();
