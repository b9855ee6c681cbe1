drop function core.refuse_shared_ids(name);
