delete from deals.deal_ids;
