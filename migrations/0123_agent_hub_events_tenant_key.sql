-- depends: 0122_agent_hub_events_sequence_index
--
-- agent_hub: events are keyed (id, user_id) and their sequence is unique per (session_id,
-- sequence_number, user_id), on 0121's and 0122's indexes (renamed to the constraints' names, which
-- stay: an error still names uq_events_session_id_sequence_number); the id-only foreign key goes,
-- 0119's holds the same rule with the tenant on both sides. Catalog changes only: the locks last an
-- instant. A session has one user, so the keys refuse what they refused.
--
-- Row-level security reads the tenant on the row itself now, instead of looking up the session of
-- every row it checks (the foreign key guarantees they agree).
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint fk_events_session_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint pk_events;
alter table agent_hub.events add constraint pk_events primary key using index uq_events_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table agent_hub.events drop constraint uq_events_session_id_sequence_number;
alter table agent_hub.events
    add constraint uq_events_session_id_sequence_number
    unique using index uq_events_session_id_sequence_number_user_id;
alter policy rls_events_own_session on agent_hub.events
    using (user_id = (select core.acting_user()));
