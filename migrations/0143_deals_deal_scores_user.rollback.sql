drop trigger tg_deal_scores_user on deals.deal_scores;
drop function deals.fill_deal_user();
alter table deals.deal_scores drop column user_id;
