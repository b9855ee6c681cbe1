drop trigger tg_tasks_user on deals.tasks;
drop trigger tg_deals_user on deals.deals;
drop function deals.fill_parent_user();
alter table deals.tasks drop column user_id;
alter table deals.deals drop column user_id;
