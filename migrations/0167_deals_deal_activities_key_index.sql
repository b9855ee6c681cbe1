-- depends: 0166_deals_deal_activities_deal_user_not_null
-- transactional: false
--
-- deals: the index of deal_activities' tenant key (id, deal_user_id), built without blocking
-- writes; 0168 makes it the primary key. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists pk_deal_activities_id_deal_user_id
    on deals.deal_activities (id, deal_user_id);
