delete from easyflow.conversation_sessions;
