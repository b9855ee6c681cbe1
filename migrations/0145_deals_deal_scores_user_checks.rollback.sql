-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint fk_deal_scores_deal_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint ck_deal_scores_user_id_not_null;
