drop trigger tg_deal_scores_user on deals.deal_scores;
alter table deals.deal_scores drop column user_id;
