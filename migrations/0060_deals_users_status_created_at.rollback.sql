-- transactional: false
drop index concurrently if exists deals.ix_users_status_created_at_id;
