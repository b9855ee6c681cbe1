-- depends: 0025_deals_kept_truth
-- transactional: false
--
-- Expiring stale goals (goals.expire_stale): the open goals (active or paused) with an end date.
create index concurrently if not exists ix_goals_end_date_open
    on deals.goals (end_date) where status in ('active', 'paused') and end_date is not null;
