drop function core.acting_user();
