alter policy rls_deal_activities_select on deals.deal_activities
    using (user_id = (select core.acting_user())
           or exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_activities_delete on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_activities_update on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint pk_deal_activities;
alter table deals.deal_activities add constraint pk_deal_activities primary key (id);
-- Dropping the key dropped the index 0167 built: it comes back, so 0167 is undone by its rollback.
create unique index pk_deal_activities_id_deal_user_id on deals.deal_activities (id, deal_user_id);
alter table deals.deal_activities
    rename constraint fk_deal_activities_deal_id to fk_deal_activities_deal_id_deal_user_id;
alter table deals.deal_activities
    add constraint fk_deal_activities_deal_id foreign key (deal_id) references deals.deals (id) on delete cascade;
