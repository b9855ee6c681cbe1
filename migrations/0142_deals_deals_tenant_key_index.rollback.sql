drop index concurrently if exists deals.uq_deals_id_user_id;
