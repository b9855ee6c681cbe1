-- transactional: false
drop index concurrently if exists deals.ix_goals_end_date_open;
