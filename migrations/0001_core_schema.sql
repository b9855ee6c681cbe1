-- The core schema holds what every domain shares and nothing domain-specific.
--
-- core.set_updated_at() keeps updated_at columns honest: application code forgets, a trigger does
-- not. Each domain attaches it to its own tables with a BEFORE UPDATE trigger.

create schema core;

create function core.set_updated_at()
returns trigger
language plpgsql
as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

comment on function core.set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at with the transaction time.';
