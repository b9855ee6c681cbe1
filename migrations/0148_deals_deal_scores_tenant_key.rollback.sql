alter policy rls_deal_scores_delete on deals.deal_scores
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
alter policy rls_deal_scores_update on deals.deal_scores
    using (exists (select from deals.deals as d
                    where d.id = deal_id
                      and exists (select from deals.goals as g where g.id = d.goal_id)));
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint pk_deal_scores;
alter table deals.deal_scores add constraint pk_deal_scores primary key (id);
-- Dropping the key dropped the index 0147 built: it comes back, so 0147 is undone by its rollback.
create unique index pk_deal_scores_id_user_id on deals.deal_scores (id, user_id);
alter table deals.deal_scores rename constraint fk_deal_scores_deal_id to fk_deal_scores_deal_id_user_id;
alter table deals.deal_scores
    add constraint fk_deal_scores_deal_id foreign key (deal_id) references deals.deals (id) on delete cascade;
