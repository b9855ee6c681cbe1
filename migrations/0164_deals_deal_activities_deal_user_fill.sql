-- depends: 0163_deals_deal_activities_deal_user
--
-- deals: the activities written before 0163 get their deal's user. One UPDATE: it locks the rows it
-- writes and reads deals under ACCESS SHARE, so inserts and reads go on. Rows written meanwhile
-- carry deal_user_id already; 0166 fills once more whatever was left, before it validates.
update deals.deal_activities as a
set deal_user_id = d.user_id
from deals.deals as d
where d.id = a.deal_id
  and a.deal_user_id is null;
