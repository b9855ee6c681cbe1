-- depends: 0085_agent_hub_marketplace_listed_policy 0088_core_guard_own_row
--
-- agent_hub.users stays the readable tenant registry without row-level security, but an account is
-- changed or deleted only by its own user, acting (core.guard_own_row, 0088): before this, any
-- acting user could update another's email or password hash, or delete the account and, through
-- the foreign keys' cascades, every row of that user. The worker and the owner still may.

create trigger tg_users_guard_own_row before update or delete on agent_hub.users
    for each row execute function core.guard_own_row('id');
