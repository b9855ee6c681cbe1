-- depends: 0130_deals_goal_user_fill
--
-- deals: deals' and tasks' user_id is not null and is their goal's, as constraints NOT VALID: they
-- hold for every write from here on, and adding them scans nothing; 0132 validates them without
-- blocking writes. The foreign keys hold the tenant on both sides (goals' unique index (id,
-- user_id), 0128); the id-only ones go in 0133.
alter table deals.deals
    add constraint ck_deals_user_id_not_null check (user_id is not null) not valid;
alter table deals.deals
    add constraint fk_deals_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade not valid;
alter table deals.tasks
    add constraint ck_tasks_user_id_not_null check (user_id is not null) not valid;
alter table deals.tasks
    add constraint fk_tasks_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade not valid;
