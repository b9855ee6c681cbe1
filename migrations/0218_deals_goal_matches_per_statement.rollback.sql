drop trigger tg_deals_goal_matches_insert on deals.deals;
drop trigger tg_deals_goal_matches_delete on deals.deals;
create trigger tg_deals_goal_matches_insert after insert on deals.deals
    for each row execute function deals.count_goal_matches();
create trigger tg_deals_goal_matches_delete after delete on deals.deals
    for each row execute function deals.count_goal_matches();
-- squawk-ignore ban-drop-function
drop function deals.count_goal_matches_per_statement();
