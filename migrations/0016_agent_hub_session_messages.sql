-- depends: 0015_agent_hub_marketplace_versions
--
-- agent_hub: a session's messages, one row each, so that the last N messages of a conversation and
-- the pages before them are read through an index, not out of the whole message_history (issue 15,
-- seed 004's "efficient conversation history retrieval"). A jsonb value over ~2 kB is TOASTed, and
-- any function applied to it (jsonb_array_length, a jsonpath slice) detoasts all of it first: a page
-- of 20 messages from a long history cost as much as reading the whole history.
--
-- * agent_hub.session_messages (session_id, position, message, created_at): positions count from 0
--   in each session, dense and unique (pk_session_messages). Because they are dense, the last N
--   messages and every older page are a key range, [end - N, end), of that btree: a page reads its
--   own rows and no others (an index on (session_id, position desc) would be the same btree).
-- * sessions.message_count: how many messages the session has, i.e. the next position.
-- * sessions.message_history stays as the seed's column: the whole conversation in one value, which
--   is what an agent run reads on every turn (one row and its TOAST chunks, rather than one heap row
--   per message). The database keeps it equal to the session's rows in position order:
--   - agent_hub.append_session_messages(session_id, messages) is the one write path. Its update of
--     the session appends to message_history and adds to message_count under the session's row lock,
--     then it inserts the rows at the positions the new count leaves: old count .. new count - 1.
--     A concurrent append to the same session waits for that lock, and READ COMMITTED re-evaluates
--     its update on the version it waited for, so it counts from the committed count: positions stay
--     dense and unique; pk_session_messages is the guarantee behind it.
--   - A session inserted with a history (an import, a fork) gets message_count from the history's
--     length (row trigger) and its rows from a statement trigger, once per statement (a COPY too).
--   - Any other write of message_history or message_count is refused (check_violation naming
--     tg_sessions_history_guard); so is an update or a delete of a message
--     (tg_session_messages_append_only), except the cascade from deleting its session. The guard
--     recognises the append function by a transaction-local setting the function sets around its
--     update: it stops mistakes (the seed's ORM reassigning message_history), not a caller who sets
--     the flag on purpose.
-- * ck_sessions_message_history_array moves into that trigger. As a CHECK it was evaluated on every
--   update of a session row (each event appended bumps last_event_sequence; each state change) and
--   detoasted the whole history each time: 86 buffers and 3.2 ms instead of 6 and 0.1 ms for one
--   update of a session with a 390 kB history. The trigger checks it only when the history is written.
-- * Appending still rewrites message_history (a jsonb is stored whole): the cost of keeping the
--   seed's column, as before this migration.
--
-- Existing histories are copied into rows here, dated by their session's updated_at (the latest an
-- existing message can have been appended; when each one was is not recorded). Adding the column
-- locks sessions for the rest of this migration, so no append can slip between copy and guard.

alter table agent_hub.sessions
    add column message_count integer not null default 0,
    add constraint ck_sessions_message_count check (message_count >= 0);

create table agent_hub.session_messages (
    session_id uuid not null,
    position integer not null,
    message jsonb not null,
    created_at timestamptz not null default now(),
    constraint pk_session_messages primary key (session_id, position),
    constraint fk_session_messages_session_id foreign key (session_id)
        references agent_hub.sessions (id) on delete cascade,
    constraint ck_session_messages_position check (position >= 0)
);

insert into agent_hub.session_messages (session_id, position, message, created_at)
select s.id, m.ordinality::integer - 1, m.value, s.updated_at
from agent_hub.sessions as s
cross join lateral jsonb_array_elements(s.message_history) with ordinality as m;

-- updated_at stays what it was: the copy is not activity.
alter table agent_hub.sessions disable trigger tg_sessions_updated_at;
update agent_hub.sessions
set message_count = jsonb_array_length(message_history)
where jsonb_array_length(message_history) > 0;
alter table agent_hub.sessions enable trigger tg_sessions_updated_at;

-- The guarantee is not dropped: tg_sessions_history_guard (below) checks it whenever the history is
-- written, and raises check_violation under the same name.
-- squawk-ignore ban-drop-constraint
alter table agent_hub.sessions drop constraint ck_sessions_message_history_array;

create function agent_hub.append_session_messages(p_session_id uuid, p_messages jsonb)
returns integer
language plpgsql
as $$
declare
    v_added integer;
    v_count integer;
begin
    if jsonb_typeof(p_messages) is distinct from 'array' then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('messages must be a JSON array, got %s', coalesce(jsonb_typeof(p_messages), 'null'));
    end if;
    v_added := jsonb_array_length(p_messages);
    if v_added = 0 then
        select message_count into v_count from agent_hub.sessions where id = p_session_id;
        return v_count;
    end if;

    perform set_config('agent_hub.appending_messages', 'on', true);
    update agent_hub.sessions
    set message_history = message_history || p_messages,
        message_count = message_count + v_added
    where id = p_session_id
    returning message_count into v_count;
    perform set_config('agent_hub.appending_messages', 'off', true);
    if v_count is null then
        return null;  -- no such session
    end if;

    insert into agent_hub.session_messages (session_id, position, message)
    select p_session_id, v_count - v_added + m.ordinality::integer - 1, m.value
    from jsonb_array_elements(p_messages) with ordinality as m;
    return v_count;
end;
$$;

comment on function agent_hub.append_session_messages(uuid, jsonb) is
    'Append messages to a session: message_history, message_count and session_messages together, under the session row lock; the new count, or NULL when there is no such session.';

create function agent_hub.guard_session_history()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'UPDATE' and current_setting('agent_hub.appending_messages', true) is distinct from 'on' then
        raise exception using
            errcode = 'check_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'tg_sessions_history_guard',
            message = 'a session''s message_history and message_count change only by appending messages'
                || ' (agent_hub.append_session_messages)';
    end if;
    if jsonb_typeof(new.message_history) is distinct from 'array' then
        raise exception using
            errcode = 'check_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'ck_sessions_message_history_array',
            message = 'a session''s message_history is a JSON array';
    end if;
    if tg_op = 'INSERT' then
        new.message_count := jsonb_array_length(new.message_history);
    end if;
    return new;
end;
$$;

create trigger tg_sessions_history_guard
    before insert or update of message_history, message_count on agent_hub.sessions
    for each row execute function agent_hub.guard_session_history();

create function agent_hub.insert_initial_session_messages()
returns trigger
language plpgsql
as $$
begin
    insert into agent_hub.session_messages (session_id, position, message, created_at)
    select n.id, m.ordinality::integer - 1, m.value, n.created_at
    from new_sessions as n
    cross join lateral jsonb_array_elements(n.message_history) with ordinality as m;
    return null;
end;
$$;

create trigger tg_sessions_initial_messages
    after insert on agent_hub.sessions
    referencing new table as new_sessions
    for each statement execute function agent_hub.insert_initial_session_messages();

create function agent_hub.refuse_session_message_change()
returns trigger
language plpgsql
as $$
begin
    -- Depth 1 is a statement of its own; the cascade from deleting a session runs from the
    -- foreign key's trigger, one level down.
    if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
        return null;
    end if;
    raise exception using
        errcode = 'check_violation',
        schema = tg_table_schema,
        table = tg_table_name,
        constraint = 'tg_session_messages_append_only',
        message = 'a session''s messages are append-only: delete the session to remove them';
end;
$$;

create trigger tg_session_messages_append_only
    before update or delete on agent_hub.session_messages
    for each statement execute function agent_hub.refuse_session_message_change();
