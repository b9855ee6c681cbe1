drop trigger tg_deals_source_unchanged on deals.deals;
drop trigger tg_deal_scores_visibility on deals.deal_scores;
drop function deals.refuse_source_change();
drop function deals.fill_deal_shared();
alter table deals.deal_scores drop column deal_shared;
