-- depends: 0155_deals_balance_history_transaction_validate
--
-- deals: token transactions are keyed (id, user_id), as Citus requires of every key of a table
-- distributed by user_id (issue 16, sql/deals/citus.toml). The balance history's id-only key (on
-- delete set null) goes and 0154's takes its name (an error still names
-- fk_token_balance_history_transaction_id); 0153's index becomes the primary key (renamed
-- pk_token_transactions). Catalog changes only: the locks last an instant.
--
-- A transaction's id stays unique by being a uuid the server draws; the lookups by id read the new
-- key's index, which leads with id.
-- squawk-ignore ban-drop-constraint
alter table deals.token_balance_history drop constraint fk_token_balance_history_transaction_id;
-- squawk-ignore renaming-object
alter table deals.token_balance_history rename constraint fk_token_balance_history_transaction_id_user_id to fk_token_balance_history_transaction_id;
-- squawk-ignore ban-drop-constraint
alter table deals.token_transactions drop constraint pk_token_transactions;
alter table deals.token_transactions
    add constraint pk_token_transactions primary key using index pk_token_transactions_id_user_id;
