alter policy rls_tasks_own_goal on deals.tasks
    using (exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_deals_delete on deals.deals
    using (exists (select from deals.goals as g where g.id = goal_id));
alter policy rls_deals_update on deals.deals
    using (exists (select from deals.goals as g where g.id = goal_id));
alter table deals.tasks rename constraint fk_tasks_goal_id to fk_tasks_goal_id_user_id;
alter table deals.tasks
    add constraint fk_tasks_goal_id foreign key (goal_id) references deals.goals (id) on delete cascade;
alter table deals.deals rename constraint fk_deals_goal_id to fk_deals_goal_id_user_id;
alter table deals.deals
    add constraint fk_deals_goal_id foreign key (goal_id) references deals.goals (id) on delete cascade;
