drop index concurrently if exists deals.pk_deal_activities_id_deal_user_id;
