-- depends: 0186_deals_deal_scores_shared
--
-- deals: the scores written before 0186 learn whether their deal is shared. One UPDATE naming the
-- column, so tg_deal_scores_visibility computes each row's value from its deal, as for every write
-- of a score from 0186 on; it row-locks what it writes, and inserts and reads go on. Only the scores
-- of shared deals change (the column's default is false), and their updated_at moves with them
-- (tg_deal_scores_updated_at), as 0144's fill moved it.
update deals.deal_scores as s
set deal_shared = true
from deals.deals as d
where d.id = s.deal_id
  and d.user_id = s.user_id
  and d.source::text not in ('manual', 'user')
  and not s.deal_shared;
