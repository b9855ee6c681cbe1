drop function core.bound_by_row_security();
revoke usage on schema core from sqlfirst_owner;
