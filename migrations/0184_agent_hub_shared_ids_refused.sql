-- depends: 0182_core_shared_ids_refused 0181_agent_hub_session_agent_trigger
--
-- agent_hub: no two users share an id the database chooses (0177): a twin written before would still meet the
-- statements that find a row by id alone. The migration stops, naming the twins, until they are
-- deleted or re-keyed (core.refuse_shared_ids, 0182). A check: it changes nothing.
select core.refuse_shared_ids('agent_hub');
