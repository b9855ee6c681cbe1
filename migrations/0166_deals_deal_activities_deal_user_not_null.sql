-- depends: 0165_deals_deal_activities_deal_user_checks
--
-- deals: 0164's fill once more, then 0165's two constraints validated (SHARE UPDATE EXCLUSIVE:
-- writes and reads go on while it scans); SET NOT NULL then finds the validated check proves the
-- column and scans nothing, and the check goes.
update deals.deal_activities as a
set deal_user_id = d.user_id
from deals.deals as d
where d.id = a.deal_id
  and a.deal_user_id is null;
alter table deals.deal_activities validate constraint ck_deal_activities_deal_user_id_not_null;
alter table deals.deal_activities validate constraint fk_deal_activities_deal_id_deal_user_id;
alter table deals.deal_activities alter column deal_user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint ck_deal_activities_deal_user_id_not_null;
