-- depends: 0121_agent_hub_events_key_index
-- transactional: false
--
-- agent_hub: the index of events' per-session sequence with the tenant, (session_id,
-- sequence_number, user_id), built without blocking writes; 0123 makes it the unique sequence.
-- session_id and sequence_number lead as in the key it replaces, so a page of a session's events is
-- still a key range of it.
create unique index concurrently if not exists uq_events_session_id_sequence_number_user_id
    on agent_hub.events (session_id, sequence_number, user_id);
