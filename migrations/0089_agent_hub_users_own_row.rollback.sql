drop trigger tg_users_guard_own_row on agent_hub.users;
