drop function core.set_updated_at();

drop schema core;
