-- The id-only primary keys again.
alter table deals.auth_tokens drop constraint pk_auth_tokens;
alter table deals.auth_tokens add constraint pk_auth_tokens primary key (id);
alter table deals.chat_messages drop constraint pk_chat_messages;
alter table deals.chat_messages add constraint pk_chat_messages primary key (id);
alter table deals.notifications drop constraint pk_notifications;
alter table deals.notifications add constraint pk_notifications primary key (id);
alter table deals.token_balance_history drop constraint pk_token_balance_history;
alter table deals.token_balance_history add constraint pk_token_balance_history primary key (id);
alter table deals.user_settings drop constraint pk_user_settings;
alter table deals.user_settings add constraint pk_user_settings primary key (id);
