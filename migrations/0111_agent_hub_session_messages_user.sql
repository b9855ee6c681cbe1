-- depends: 0110_agent_hub_session_key_index
--
-- agent_hub: a session's messages carry the session's user (issue 16, sql/agent_hub/citus.toml).
-- Citus distributes session_messages by user_id beside sessions, so the messages need the column,
-- their key and their foreign key to the session must hold it (0113-0116).
--
-- * sessions gets the unique constraint (id, user_id) on 0110's index (a catalog change: the
--   ACCESS EXCLUSIVE lock lasts an instant).
-- * session_messages.user_id, nullable for now (0112 fills the existing rows, 0113-0114 make it
--   NOT NULL): adding a nullable column without a default rewrites nothing.
-- * The two writers of messages write it from here on: agent_hub.append_session_messages (the
--   session's user, read under the session's row lock it already takes) and the statement trigger
--   copying an inserted session's history.
-- * tg_session_messages_append_only refuses an UPDATE of the message's own columns, no longer of
--   user_id, so 0112 can fill it. Once 0114 has validated the foreign key (session_id, user_id) ->
--   sessions (id, user_id), a message's user_id can only be its session's: setting it changes nothing.
--   A column added to session_messages later joins the trigger's list.
alter table agent_hub.sessions
    add constraint uq_sessions_id_user_id unique using index uq_sessions_id_user_id;

alter table agent_hub.session_messages add column user_id uuid;

create or replace function agent_hub.append_session_messages(p_session_id uuid, p_messages jsonb)
returns integer
language plpgsql
as $$
declare
    v_added integer;
    v_count integer;
    v_user uuid;
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
    returning message_count, user_id into v_count, v_user;
    perform set_config('agent_hub.appending_messages', 'off', true);
    if v_count is null then
        return null;  -- no such session
    end if;

    insert into agent_hub.session_messages (session_id, position, message, user_id)
    select p_session_id, v_count - v_added + m.ordinality::integer - 1, m.value, v_user
    from jsonb_array_elements(p_messages) with ordinality as m;
    return v_count;
end;
$$;

create or replace function agent_hub.insert_initial_session_messages()
returns trigger
language plpgsql
as $$
begin
    insert into agent_hub.session_messages (session_id, position, message, created_at, user_id)
    select n.id, m.ordinality::integer - 1, m.value, n.created_at, n.user_id
    from new_sessions as n
    cross join lateral jsonb_array_elements(n.message_history) with ordinality as m;
    return null;
end;
$$;

drop trigger tg_session_messages_append_only on agent_hub.session_messages;
create trigger tg_session_messages_append_only
    before update of session_id, position, message, created_at or delete on agent_hub.session_messages
    for each statement execute function agent_hub.refuse_session_message_change();
