-- The history's key depends on the index of pk_token_transactions: it goes, the id-only primary key
-- comes back, 0153's index is built again, and both keys of the history are added as 0155 left
-- them (0154's validated, the id-only one with on delete set null).
-- squawk-ignore ban-drop-constraint
alter table deals.token_balance_history drop constraint fk_token_balance_history_transaction_id;
-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint pk_token_transactions;
alter table deals.token_transactions add constraint pk_token_transactions primary key (id);
create unique index pk_token_transactions_id_user_id on deals.token_transactions (id, user_id);
alter table deals.token_balance_history
    add constraint fk_token_balance_history_transaction_id_user_id foreign key (transaction_id, user_id)
        references deals.token_transactions (id, user_id);
alter table deals.token_balance_history
    add constraint fk_token_balance_history_transaction_id foreign key (transaction_id)
        references deals.token_transactions (id) on delete set null;
