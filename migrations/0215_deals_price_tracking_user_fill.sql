-- depends: 0214_deals_price_tracking_user
--
-- deals: the price points written before 0214 get their deal's user (and, through
-- tg_price_tracking_visibility, whether the deal is shared). One UPDATE: it locks the rows it writes
-- and reads deals under ACCESS SHARE, so price points and deals are written and read meanwhile; it
-- commits alone, so a long fill holds no lock that a later statement of this migration would wait
-- behind. Rows written meanwhile carry user_id already; 0216 fills once more whatever was left,
-- before it validates.
update deals.price_tracking as p
set user_id = d.user_id
from deals.deals as d
where d.id = p.deal_id
  and p.user_id is null;
