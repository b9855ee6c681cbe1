-- depends: 0179_easyflow_integration_ids
--
-- easyflow: the stored inbound message of a dedupe key is read by its whole key, user included.
-- A message keeps the id its caller made (append_inbound_message), and messages are keyed
-- (id, created_at, user_id) for Citus (0094), so another user's row may share a message's id and
-- time. Under row-level security the app sees only the acting user's rows; a caller that bypasses
-- it (the worker) could be handed the other user's row as the message already stored.
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
      and m.created_at = v_key.message_created_at
      and m.user_id = p_user_id;
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
