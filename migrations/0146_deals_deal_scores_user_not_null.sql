-- depends: 0145_deals_deal_scores_user_checks
--
-- deals: 0144's fill once more, then 0145's two constraints validated (SHARE UPDATE EXCLUSIVE:
-- writes and reads go on while it scans); SET NOT NULL then finds the validated check proves the
-- column and scans nothing, and the check goes.
update deals.deal_scores as s
set user_id = d.user_id
from deals.deals as d
where d.id = s.deal_id
  and s.user_id is null;
alter table deals.deal_scores validate constraint ck_deal_scores_user_id_not_null;
alter table deals.deal_scores validate constraint fk_deal_scores_deal_id_user_id;
alter table deals.deal_scores alter column user_id set not null;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint ck_deal_scores_user_id_not_null;
