create or replace function deals.track_deal_price()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' or new.current_price is distinct from old.current_price then
        insert into deals.price_tracking (deal_id, price, currency, source, tracked_at)
        values (new.id, new.current_price, new.currency, new.source, clock_timestamp());
    end if;
    return null;
end;
$$;
comment on function deals.fill_deal_shared() is
    'BEFORE INSERT/UPDATE row trigger on deal_scores: deal_shared is whether the score''s deal is shared, never what the writer gave.';
drop trigger tg_price_tracking_visibility on deals.price_tracking;
drop trigger tg_price_tracking_user on deals.price_tracking;
alter table deals.price_tracking drop constraint ck_price_tracking_user_id_not_null;
alter table deals.price_tracking drop column deal_shared;
alter table deals.price_tracking drop column user_id;
