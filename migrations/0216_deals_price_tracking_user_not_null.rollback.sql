drop trigger tg_price_tracking_user on deals.price_tracking;
create trigger tg_price_tracking_user
    before insert or update on deals.price_tracking
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('deals', 'deal_id', 'fk_price_tracking_deal_id');
alter table deals.price_tracking alter column user_id drop not null;
alter table deals.price_tracking add constraint ck_price_tracking_user_id_not_null
    check (user_id is not null) not valid;
