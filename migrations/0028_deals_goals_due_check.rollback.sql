-- transactional: false
drop index concurrently if exists deals.ix_goals_last_checked_at_active;
