-- depends: 0182_core_shared_ids_refused 0180_easyflow_stored_message_by_its_user
--
-- easyflow: no two users share an id the database chooses (0178): a twin written before would still meet the
-- statements that find a row by id alone. The migration stops, naming the twins, until they are
-- deleted or re-keyed (core.refuse_shared_ids, 0182). A check: it changes nothing.
select core.refuse_shared_ids('easyflow');
