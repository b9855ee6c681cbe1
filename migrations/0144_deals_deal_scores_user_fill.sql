-- depends: 0143_deals_deal_scores_user
--
-- deals: the scores written before 0143 get their deal's user. One UPDATE: it locks the rows it
-- writes and reads deals under ACCESS SHARE, so inserts and reads go on. Rows written meanwhile
-- carry user_id already; 0146 fills once more whatever was left, before it validates.
update deals.deal_scores as s
set user_id = d.user_id
from deals.deals as d
where d.id = s.deal_id
  and s.user_id is null;
