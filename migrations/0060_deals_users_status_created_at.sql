-- depends: 0029_deals_goals_end_date_open
-- transactional: false
--
-- Users by status (users.list_by_status): oldest first, one keyset page after (created_at, id).
-- Without it the listing read every user of the status and sorted them (active is ~95% of users);
-- with it a page reads its rows in order and stops at the limit, custom and generic plans alike.
-- Built concurrently: deals.users is live and large.
create index concurrently if not exists ix_users_status_created_at_id
    on deals.users (status, created_at, id);
