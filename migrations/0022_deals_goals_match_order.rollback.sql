-- transactional: false
drop index concurrently deals.ix_goals_category_priority_created_at_id_active;
