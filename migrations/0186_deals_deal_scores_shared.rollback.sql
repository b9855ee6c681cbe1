delete from core.database_chosen_columns
where schema_name = 'deals' and table_name = 'deal_scores' and column_name = 'deal_shared';
drop trigger tg_deals_scores_shared on deals.deals;
drop trigger tg_deal_scores_visibility on deals.deal_scores;
drop function deals.sync_deal_scores_shared();
drop function deals.fill_deal_shared();
alter table deals.deal_scores drop column deal_shared;
