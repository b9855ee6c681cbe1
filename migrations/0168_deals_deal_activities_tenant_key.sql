-- depends: 0167_deals_deal_activities_key_index
--
-- deals: deal activities are keyed (id, deal_user_id) on 0167's index (renamed pk_deal_activities),
-- and the id-only foreign key to the deal goes: 0165's, which holds the same rule with the tenant on
-- both sides, takes its name (an error still names fk_deal_activities_deal_id). Nothing points at
-- an activity, so this is catalog changes only: the locks last an instant. An activity's id stays
-- unique by being a uuid the server draws.
--
-- Row-level security reads the row's own deal user where 0078's policies asked whether the deal's
-- goal is the acting user's: the foreign key holds deal_user_id to the deal's user, and deals hold
-- theirs to their goal's (0133), so the rows are the same, found without a subquery per row. A user
-- still reads the activities of the deals of their goals and their own, and changes or deletes only
-- their own or an agent's among the first; what a user writes is still checked against the deal.
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint fk_deal_activities_deal_id;
-- squawk-ignore renaming-object
alter table deals.deal_activities rename constraint fk_deal_activities_deal_id_deal_user_id to fk_deal_activities_deal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_activities drop constraint pk_deal_activities;
alter table deals.deal_activities
    add constraint pk_deal_activities primary key using index pk_deal_activities_id_deal_user_id;
alter policy rls_deal_activities_update on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and deal_user_id = (select core.acting_user()));
alter policy rls_deal_activities_delete on deals.deal_activities
    using ((user_id is null or user_id = (select core.acting_user()))
           and deal_user_id = (select core.acting_user()));
alter policy rls_deal_activities_select on deals.deal_activities
    using (user_id = (select core.acting_user()) or deal_user_id = (select core.acting_user()));
