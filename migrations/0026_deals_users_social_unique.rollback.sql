-- transactional: false
drop index concurrently if exists deals.uq_users_social_provider_social_id;
