drop function core.guard_own_row();
