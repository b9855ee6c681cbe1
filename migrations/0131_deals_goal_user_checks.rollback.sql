-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint fk_tasks_goal_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint ck_tasks_user_id_not_null;
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint fk_deals_goal_id_user_id;
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint ck_deals_user_id_not_null;
