-- depends: 0098_deals_goals_autovacuum
-- transactional: false
--
-- deals: the unique index of goals' tenant key (id, user_id), built without blocking writes: the
-- foreign keys of deals and tasks name it from 0131 on (issue 16, sql/deals/citus.toml), so a
-- deal or a task holds the user of its goal. id leads, so a lookup by id still reads one entry.
create unique index concurrently if not exists uq_goals_id_user_id on deals.goals (id, user_id);
