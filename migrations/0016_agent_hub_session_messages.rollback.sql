-- message_history kept every message, so dropping the rows loses nothing.
drop trigger tg_session_messages_append_only on agent_hub.session_messages;
drop function agent_hub.refuse_session_message_change();
drop trigger tg_sessions_initial_messages on agent_hub.sessions;
drop function agent_hub.insert_initial_session_messages();
drop trigger tg_sessions_history_guard on agent_hub.sessions;
drop function agent_hub.guard_session_history();
drop function agent_hub.append_session_messages(uuid, jsonb);
drop table agent_hub.session_messages;
alter table agent_hub.sessions
    add constraint ck_sessions_message_history_array check (jsonb_typeof(message_history) = 'array') not valid;
alter table agent_hub.sessions validate constraint ck_sessions_message_history_array;
alter table agent_hub.sessions drop column message_count;
