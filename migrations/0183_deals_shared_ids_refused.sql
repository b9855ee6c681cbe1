-- depends: 0182_core_shared_ids_refused 0176_deals_ids_chosen_by_the_database
--
-- deals: no two users share an id the database chooses (0176): a twin written before would still meet the
-- statements that find a row by id alone. The migration stops, naming the twins, until they are
-- deleted or re-keyed (core.refuse_shared_ids, 0182). A check: it changes nothing.
select core.refuse_shared_ids('deals');
