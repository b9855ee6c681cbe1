-- squawk-ignore ban-drop-constraint
alter table deals.token_balance_history drop constraint fk_token_balance_history_transaction_id_user_id;
