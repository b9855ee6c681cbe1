drop index concurrently if exists deals.uq_goals_id_user_id;
