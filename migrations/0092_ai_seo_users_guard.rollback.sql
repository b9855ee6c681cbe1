drop trigger tg_users_guard_write on ai_seo.users;
drop function ai_seo.guard_user_write();
