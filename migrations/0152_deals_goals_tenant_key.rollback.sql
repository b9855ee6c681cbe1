-- The keys pointing at goals depend on the index of pk_goals: they go, the id-only key comes back,
-- 0128's index is built again and the keys are added as 0133 and 0151 left them (validated).
-- squawk-ignore ban-drop-constraint
alter table deals.deals drop constraint fk_deals_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.tasks drop constraint fk_tasks_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.chat_messages drop constraint fk_chat_messages_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint fk_token_transactions_goal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.goals drop constraint pk_goals;
alter table deals.goals add constraint pk_goals primary key (id);
create unique index uq_goals_id_user_id on deals.goals (id, user_id);
alter table deals.deals
    add constraint fk_deals_goal_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade;
alter table deals.tasks
    add constraint fk_tasks_goal_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) on delete cascade;
alter table deals.chat_messages
    add constraint fk_chat_messages_goal_id foreign key (goal_id, user_id) references deals.goals (id, user_id);
alter table deals.notifications
    add constraint fk_notifications_goal_id foreign key (goal_id, user_id) references deals.goals (id, user_id);
alter table deals.token_transactions
    add constraint fk_token_transactions_goal_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id);
