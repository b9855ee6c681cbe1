drop trigger tg_conversations_session_truncate on easyflow.conversations;
drop trigger tg_conversations_session on easyflow.conversations;
drop function easyflow.clear_conversation_sessions();
drop function easyflow.index_conversation_session();
-- squawk-ignore ban-drop-table
drop table easyflow.conversation_sessions;
