-- depends: 0094_easyflow_tenant_keys
-- transactional: false
--
-- easyflow: the index of deliveries in flight (release_stale_outbound finds those whose worker
-- vanished, by claimed_at) names `claimed_at is not null` beside `status = 'sending'`. The rows are
-- the same (ck_outbound_messages_claimed_at: a delivery being sent has its claim time), and the
-- stale-claim sweep still matches it (`claimed_at < …` implies the column is not null).
--
-- What changes is who else can use it. Deliveries are in flight for the seconds a send takes: among
-- millions of deliveries ANALYZE's sample seldom holds one, and the planner believes
-- `status = 'sending'` matches a single row. With the old index (`where status = 'sending'`),
-- marking one delivery sent or failed (`where id = … and status = 'sending'`) looked as cheap by
-- that index as by the primary key, and walked every delivery in flight to find its one: 23,555
-- entries and 13,000 blocks a call at the medium scale, after a burst of claims. Those statements
-- say nothing of claimed_at, so this index never matches them and they read the primary key (as
-- finish_sync does for sync logs since 0052). 0097 drops the old index.
create index concurrently if not exists ix_outbound_messages_claimed_at_in_flight
    on easyflow.outbound_messages (claimed_at) where status = 'sending' and claimed_at is not null;
