alter table deals.deal_activities alter column deal_user_id drop not null;
alter table deals.deal_activities
    add constraint ck_deal_activities_deal_user_id_not_null check (deal_user_id is not null) not valid;
-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0165 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint fk_deal_activities_deal_id_deal_user_id;
alter table deals.deal_activities
    add constraint fk_deal_activities_deal_id_deal_user_id foreign key (deal_id, deal_user_id)
        references deals.deals (id, user_id) on delete cascade not valid;
