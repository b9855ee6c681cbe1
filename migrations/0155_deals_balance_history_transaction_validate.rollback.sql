-- A validated key cannot be made NOT VALID again: drop it and add it back as 0154 left it.
-- squawk-ignore ban-drop-constraint
alter table deals.token_balance_history drop constraint fk_token_balance_history_transaction_id_user_id;
alter table deals.token_balance_history
    add constraint fk_token_balance_history_transaction_id_user_id foreign key (transaction_id, user_id)
        references deals.token_transactions (id, user_id) not valid;
