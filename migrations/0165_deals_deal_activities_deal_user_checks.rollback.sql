-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint fk_deal_activities_deal_id_deal_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint ck_deal_activities_deal_user_id_not_null;
