delete from core.database_chosen_columns where schema_name = 'agent_hub';
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0177.
revoke insert, update on agent_hub.sessions, agent_hub.events from sqlfirst_app;
grant insert, update on agent_hub.sessions, agent_hub.events to sqlfirst_app;
