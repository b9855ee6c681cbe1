-- depends: 0164_deals_deal_activities_deal_user_fill
--
-- deals: deal_activities' deal_user_id is not null and is its deal's, as constraints NOT VALID:
-- they hold for every write from here on, and adding them scans nothing; 0166 validates them without
-- blocking writes. The foreign key holds the tenant on both sides (deals' unique index (id,
-- user_id), 0142); the id-only one goes in 0168.
alter table deals.deal_activities
    add constraint ck_deal_activities_deal_user_id_not_null check (deal_user_id is not null) not valid;
alter table deals.deal_activities
    add constraint fk_deal_activities_deal_id_deal_user_id foreign key (deal_id, deal_user_id)
        references deals.deals (id, user_id) on delete cascade not valid;
