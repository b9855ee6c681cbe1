drop index concurrently if exists ai_seo.uq_campaigns_id_client_id;
