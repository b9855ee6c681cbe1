drop index concurrently if exists deals.pk_deal_scores_id_user_id;
