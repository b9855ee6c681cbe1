drop trigger tg_outbound_messages_updated_at on easyflow.outbound_messages;
drop trigger tg_conversations_updated_at on easyflow.conversations;
drop trigger tg_integrations_updated_at on easyflow.integrations;
drop trigger tg_users_updated_at on easyflow.users;

drop trigger tg_outbound_messages_notify on easyflow.outbound_messages;
drop function easyflow.notify_outbound_queued();

drop function easyflow.append_inbound_message(
    uuid, uuid, text, uuid, text, easyflow.message_role, text, text, text, jsonb, numeric, jsonb, timestamptz
);
drop function easyflow.stored_inbound_message(uuid, text, text);

drop trigger tg_messages_20_key_delete on easyflow.messages;
drop trigger tg_messages_20_key_update on easyflow.messages;
drop trigger tg_messages_20_key_insert on easyflow.messages;
drop function easyflow.key_inbound_message();

drop trigger tg_messages_10_count_delete on easyflow.messages;
drop trigger tg_messages_10_count_update on easyflow.messages;
drop trigger tg_messages_10_count_insert on easyflow.messages;
drop function easyflow.count_conversation_messages();
drop function easyflow.messages_default_detached();

drop trigger tg_conversations_closed_at on easyflow.conversations;
drop function easyflow.set_closed_at();

drop trigger tg_integrations_platform_active on easyflow.integrations;
drop function easyflow.check_platform_active();

drop trigger tg_integrations_next_sync_at on easyflow.integrations;
drop function easyflow.set_next_sync_at();
