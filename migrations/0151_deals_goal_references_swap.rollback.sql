alter table deals.token_transactions
    rename constraint fk_token_transactions_goal_id to fk_token_transactions_goal_id_user_id;
alter table deals.token_transactions
    add constraint fk_token_transactions_goal_id foreign key (goal_id)
        references deals.goals (id) on delete set null;
alter table deals.notifications rename constraint fk_notifications_goal_id to fk_notifications_goal_id_user_id;
alter table deals.notifications
    add constraint fk_notifications_goal_id foreign key (goal_id) references deals.goals (id) on delete set null;
alter table deals.chat_messages rename constraint fk_chat_messages_goal_id to fk_chat_messages_goal_id_user_id;
alter table deals.chat_messages
    add constraint fk_chat_messages_goal_id foreign key (goal_id) references deals.goals (id) on delete set null;
