-- depends: 0141_deals_task_activities_validate
-- transactional: false
--
-- deals: the unique index of deals' tenant key (id, user_id), built without blocking writes:
-- deal_scores' foreign key names it from 0145 on (issue 16, sql/deals/citus.toml), so a score holds
-- the user of its deal. Deals stay keyed by id for now: price_tracking, deal_activities and
-- notifications still point at them by id alone. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_deals_id_user_id on deals.deals (id, user_id);
