alter table agent_hub.users drop constraint ck_users_email_lowercase;
