drop policy rls_deal_activities_delete on deals.deal_activities;
drop policy rls_deal_activities_update on deals.deal_activities;
drop policy rls_deal_activities_insert on deals.deal_activities;
drop policy rls_deal_activities_select on deals.deal_activities;
alter table deals.deal_activities no force row level security;
alter table deals.deal_activities disable row level security;

drop policy rls_task_activities_own_task on deals.task_activities;
alter table deals.task_activities no force row level security;
alter table deals.task_activities disable row level security;

drop policy rls_tasks_own_goal on deals.tasks;
alter table deals.tasks no force row level security;
alter table deals.tasks disable row level security;

drop policy rls_deal_scores_delete on deals.deal_scores;
drop policy rls_deal_scores_update on deals.deal_scores;
drop policy rls_deal_scores_insert on deals.deal_scores;
drop policy rls_deal_scores_select on deals.deal_scores;
alter table deals.deal_scores no force row level security;
alter table deals.deal_scores disable row level security;

do $$
declare
    part regclass;
begin
    for part in select inhrelid::regclass from pg_inherits where inhparent = 'deals.price_tracking'::regclass loop
        execute format('alter table %s no force row level security', part);
        execute format('alter table %s disable row level security', part);
    end loop;
end;
$$;

drop policy rls_price_tracking_delete on deals.price_tracking;
drop policy rls_price_tracking_update on deals.price_tracking;
drop policy rls_price_tracking_insert on deals.price_tracking;
drop policy rls_price_tracking_select on deals.price_tracking;
alter table deals.price_tracking no force row level security;
alter table deals.price_tracking disable row level security;

drop policy rls_deals_delete on deals.deals;
drop policy rls_deals_update on deals.deals;
drop policy rls_deals_insert on deals.deals;
drop policy rls_deals_select on deals.deals;
alter table deals.deals no force row level security;
alter table deals.deals disable row level security;
