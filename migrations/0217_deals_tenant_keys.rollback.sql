delete from core.database_chosen_columns
where schema_name = 'deals' and table_name in ('deals', 'price_tracking') and column_name = 'id';
-- Revoking a table's privilege revokes it on each of its columns too: the grants are as before 0217.
revoke insert, update on deals.deals, deals.price_tracking from sqlfirst_app;
grant insert, update on deals.deals, deals.price_tracking to sqlfirst_app;
select core.secure_partitions('deals.price_tracking');
-- pk_deals' index goes back to being the unique index of 0142, which the children's keys point at.
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint fk_deal_scores_deal_id;
alter table deals.deal_activities drop constraint fk_deal_activities_deal_id;
alter table deals.price_tracking drop constraint fk_price_tracking_deal_id;
alter table deals.deals drop constraint pk_deals;
create unique index uq_deals_id_user_id on deals.deals (id, user_id);
alter table deals.deals add constraint pk_deals primary key (id);
alter table deals.deal_scores add constraint fk_deal_scores_deal_id
    foreign key (deal_id, user_id) references deals.deals (id, user_id) on delete cascade;
alter table deals.deal_activities add constraint fk_deal_activities_deal_id
    foreign key (deal_id, deal_user_id) references deals.deals (id, user_id) on delete cascade;

alter policy rls_price_tracking_delete on deals.price_tracking
    using (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
alter policy rls_price_tracking_update on deals.price_tracking
    using (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()))
    with check (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
alter policy rls_price_tracking_insert on deals.price_tracking
    with check (exists (select from deals.deals as d where d.id = deal_id and d.user_id = core.acting_user()));
alter policy rls_price_tracking_select on deals.price_tracking
    using (exists (select from deals.deals as d where d.id = deal_id));

alter table deals.price_tracking drop constraint pk_price_tracking;
alter table deals.price_tracking add constraint pk_price_tracking primary key (id, tracked_at);
alter table deals.price_tracking add constraint fk_price_tracking_deal_id
    foreign key (deal_id) references deals.deals (id) on delete cascade;
