-- depends: 0025_deals_kept_truth
-- transactional: false
--
-- Goals due for their next check: active goals, never-checked first, then the oldest
-- last_checked_at; goals.claim_due walks this index and skips rows other agents hold.
create index concurrently if not exists ix_goals_last_checked_at_active
    on deals.goals (last_checked_at nulls first, id) where status = 'active';
