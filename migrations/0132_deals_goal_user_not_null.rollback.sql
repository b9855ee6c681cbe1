alter table deals.tasks alter column user_id drop not null;
alter table deals.tasks
    add constraint ck_tasks_user_id_not_null check (user_id is not null) not valid;
-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0131 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint fk_tasks_goal_id_user_id;
alter table deals.tasks
    add constraint fk_tasks_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade not valid;
alter table deals.deals alter column user_id drop not null;
alter table deals.deals
    add constraint ck_deals_user_id_not_null check (user_id is not null) not valid;
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint fk_deals_goal_id_user_id;
alter table deals.deals
    add constraint fk_deals_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade not valid;
