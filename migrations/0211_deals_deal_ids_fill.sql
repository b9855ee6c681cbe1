-- depends: 0210_deals_deal_ids
--
-- deals: deal_ids gets the deals that existed before its triggers (0210). deals is locked in SHARE
-- mode first: reads go on, and a deal's write waits for this one read of deals to commit. So the
-- fill sees every deal exactly as it stands: a write that committed before has its entry from the
-- trigger or gets it here (ON CONFLICT leaves the first), and a write that waited finds the entry
-- when its trigger runs. (Without the lock, a delete in flight would leave the entry of a deal that
-- no longer exists, and a re-key in flight one under the old user.)
lock table deals.deals in share mode;
insert into deals.deal_ids (id, user_id, shared)
select id, user_id, source::text not in ('manual', 'user')
from deals.deals
on conflict (id) do nothing;
