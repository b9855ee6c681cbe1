drop trigger tg_token_pricing_lock_service on deals.token_pricing;
drop function deals.lock_token_pricing_service();

drop trigger tg_deals_goal_matches_delete on deals.deals;
drop trigger tg_deals_goal_matches_update on deals.deals;
drop trigger tg_deals_goal_matches_insert on deals.deals;
drop function deals.count_goal_matches();

drop trigger tg_goals_active_count_delete on deals.goals;
drop trigger tg_goals_active_count_update on deals.goals;
drop trigger tg_goals_active_count_insert on deals.goals;
drop function deals.count_active_goals();

drop trigger tg_deals_track_price_update on deals.deals;
drop trigger tg_deals_track_price_insert on deals.deals;
drop function deals.track_deal_price();

drop function deals.refund_tokens(uuid, numeric, text, uuid, jsonb);
drop function deals.reward_tokens(uuid, numeric, text, uuid, jsonb);
drop function deals.deduct_tokens(uuid, numeric, text, uuid, jsonb);
drop function deals.apply_token_change(uuid, deals.transactiontype, numeric, text, uuid, jsonb);
