-- depends: 0146_deals_deal_scores_user_not_null
-- transactional: false
--
-- deals: the index of deal_scores' tenant key (id, user_id), built without blocking writes; 0148
-- makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_deal_scores_id_user_id on deals.deal_scores (id, user_id);
