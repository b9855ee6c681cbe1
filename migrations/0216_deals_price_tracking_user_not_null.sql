-- depends: 0215_deals_price_tracking_user_fill
--
-- deals: 0215's fill once more, then 0214's check validated on every partition (SHARE UPDATE
-- EXCLUSIVE: writes and reads go on while it scans); SET NOT NULL then finds the validated check
-- proves the column on each partition and scans nothing, and the check goes. With user_id NOT NULL,
-- tg_price_tracking_user runs before an insert only: an update can no longer find it null.
update deals.price_tracking as p
set user_id = d.user_id
from deals.deals as d
where d.id = p.deal_id
  and p.user_id is null;
alter table deals.price_tracking validate constraint ck_price_tracking_user_id_not_null;
alter table deals.price_tracking alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.price_tracking drop constraint ck_price_tracking_user_id_not_null;
drop trigger tg_price_tracking_user on deals.price_tracking;
create trigger tg_price_tracking_user
    before insert on deals.price_tracking
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('deals', 'deal_id', 'fk_price_tracking_deal_id');
