drop trigger tg_messages_10_lock_conversation_insert on easyflow.messages;
drop trigger tg_messages_10_lock_conversation_update on easyflow.messages;
drop trigger tg_messages_10_lock_conversation_delete on easyflow.messages;
drop trigger tg_messages_10_count_insert on easyflow.messages;
drop trigger tg_messages_10_count_update on easyflow.messages;
drop trigger tg_messages_10_count_delete on easyflow.messages;
create trigger tg_messages_10_count_insert after insert on easyflow.messages
    for each row when (new.conversation_id is not null)
    execute function easyflow.count_conversation_messages();
create trigger tg_messages_10_count_update after update of conversation_id on easyflow.messages
    for each row when (old.conversation_id is distinct from new.conversation_id)
    execute function easyflow.count_conversation_messages();
create trigger tg_messages_10_count_delete after delete on easyflow.messages
    for each row when (old.conversation_id is not null)
    execute function easyflow.count_conversation_messages();
-- squawk-ignore ban-drop-function
drop function easyflow.count_conversation_messages_per_statement();
-- squawk-ignore ban-drop-function
drop function easyflow.lock_message_conversation();
