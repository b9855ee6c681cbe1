create or replace function easyflow.stored_inbound_message(p_user_id uuid, p_platform text, p_platform_message_id text)
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
