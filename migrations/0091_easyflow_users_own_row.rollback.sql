drop trigger tg_users_guard_own_row on easyflow.users;
