-- depends: 0090_deals_own_rows_and_parents
--
-- The primary keys of deals' per-user leaf tables carry the tenant (issue 16, the Citus plan in
-- sql/deals/citus.toml): Citus requires each primary key of a table distributed by user_id to include
-- it. auth_tokens, chat_messages, notifications, token_balance_history and user_settings are keyed
-- (id, user_id) instead of (id). No foreign key points at them, ids are gen_random_uuid(), and id
-- stays the leading column, so the new keys refuse nothing the old ones accepted and every lookup by
-- id still reads one index entry.
--
-- Cost on a populated database: each table's key index is built again while this transaction holds
-- the table locked (one btree build per table; notifications and the balance history are the big
-- ones). Run it in a quiet window; the Migrator's lock_timeout keeps it from queueing behind traffic.
--
-- Left for later (deviations in the plan): goals, deals, tasks, their children and
-- token_transactions are referenced by id-only foreign keys (deals, deal_scores, tasks and
-- task_activities reach their user only through a parent), and the balance history's link to its
-- transaction is ON DELETE SET NULL, which Citus refuses on a key holding the distribution column.

-- Each constraint dropped here is replaced by the next statement, in this same transaction.
-- squawk-ignore ban-drop-constraint
alter table deals.auth_tokens drop constraint pk_auth_tokens;
alter table deals.auth_tokens add constraint pk_auth_tokens primary key (id, user_id);
-- squawk-ignore ban-drop-constraint
alter table deals.chat_messages drop constraint pk_chat_messages;
alter table deals.chat_messages add constraint pk_chat_messages primary key (id, user_id);
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint pk_notifications;
alter table deals.notifications add constraint pk_notifications primary key (id, user_id);
-- squawk-ignore ban-drop-constraint
alter table deals.token_balance_history drop constraint pk_token_balance_history;
alter table deals.token_balance_history add constraint pk_token_balance_history primary key (id, user_id);
-- squawk-ignore ban-drop-constraint
alter table deals.user_settings drop constraint pk_user_settings;
alter table deals.user_settings add constraint pk_user_settings primary key (id, user_id);
