drop index deals.ix_deal_activities_user_id_activity_type_label_created_at_id;
create index ix_deal_activities_user_id_activity_type_created_at_id
    on deals.deal_activities (user_id, activity_type, created_at, id);

drop index deals.ix_deals_market_id_status_label_found_at_id;
create index ix_deals_market_id_status_found_at_id
    on deals.deals (market_id, status, found_at desc, id desc);

drop index deals.ix_deals_category_label_status_label_price_cents_id;
create index ix_deals_category_status_current_price_id
    on deals.deals (category, status, current_price, id);

alter table deals.deal_activities drop column activity_type_label;
alter table deals.deals drop column category_label, drop column status_label, drop column price_cents;

drop function deals.label(deals.dealactivitytype);
drop function deals.label(deals.dealstatus);
drop function deals.label(deals.marketcategory);
