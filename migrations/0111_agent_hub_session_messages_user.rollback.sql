drop trigger tg_session_messages_append_only on agent_hub.session_messages;
create trigger tg_session_messages_append_only
    before update or delete on agent_hub.session_messages
    for each statement execute function agent_hub.refuse_session_message_change();

create or replace function agent_hub.insert_initial_session_messages()
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

create or replace function agent_hub.append_session_messages(p_session_id uuid, p_messages jsonb)
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

alter table agent_hub.session_messages drop column user_id;
alter table agent_hub.sessions drop constraint uq_sessions_id_user_id;
-- Dropping the constraint dropped the index 0110 built: it comes back, so 0110 is undone by its own rollback.
create unique index uq_sessions_id_user_id on agent_hub.sessions (id, user_id);
