alter policy rls_price_tracking_insert on deals.price_tracking
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_price_tracking_update on deals.price_tracking
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)))
    with check (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_price_tracking_delete on deals.price_tracking
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
