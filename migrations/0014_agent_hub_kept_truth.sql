-- depends: 0010_agent_hub_schema
--
-- agent_hub: emails are lowercase in the database, not only in Python (issue 15). Existing rows are
-- checked by VALIDATE; the NOT VALID constraint guards new rows from the start.
alter table agent_hub.users
    add constraint ck_users_email_lowercase check (email = lower(email)) not valid;
alter table agent_hub.users validate constraint ck_users_email_lowercase;
