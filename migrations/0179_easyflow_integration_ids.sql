-- depends: 0178_easyflow_ids_chosen_by_the_database
--
-- easyflow: an integration id is unique across users again (issue 16), in a table of its own as
-- session ids are (0105): integration_id -> user_id, a reference table under Citus.
--
-- An integration keeps its caller's id: connect seals the credentials bound to the id before the
-- row exists (sqlfirst.easyflow.credentials), so the id cannot be the database's choice (0178).
-- Since integrations is keyed (id, user_id) for Citus (0094), another user could write a row
-- under an id that is already someone's, and the worker, which bypasses row-level security and
-- addresses an integration by id (easyflow.integration_credentials, key rotation's re-seal, a sync
-- finishing), would then hand one tenant's credentials to the other's sync, or re-seal one's
-- credentials into the other's row. A trigger on integrations keeps the index in the statement that
-- connects, deletes or re-keys an integration, so a second user's row under a taken id fails on
-- pk_integration_ids (a Conflict naming it), and of two users writing one id at once the second
-- waits for the first and is then refused. It points at users, a reference table too, not at
-- integrations, which a reference table may not do.
--
-- No tenant writes it but through the trigger (SECURITY DEFINER, owned by the owner role, which
-- bypasses row-level security); row-level security is forced with a SELECT policy only: a tenant
-- reads its own entries and writes none. Were a tenant able to delete its entry, another could take
-- the id.
--
-- One migration, not create/fill/sweep as 0105-0107: integrations holds a row per user and
-- platform (100k at the bench's medium scale, filled in well under a second), and creating the
-- triggers takes SHARE ROW EXCLUSIVE on it until this commits, so no write races the fill. The fill
-- stops with a message naming the ids if two users already share one: which of them keeps it is the
-- operator's choice (delete or re-key one integration, then migrate again).
create table easyflow.integration_ids (
    integration_id uuid not null,
    user_id uuid not null,
    constraint pk_integration_ids primary key (integration_id),
    constraint fk_integration_ids_user_id foreign key (user_id)
        references easyflow.users (id) on delete cascade
);
comment on table easyflow.integration_ids is
    'Every integration id with its user, unique across users; kept by tg_integrations_id on integrations.';
-- Serves the cascade from a deleted user.
create index ix_integration_ids_user_id on easyflow.integration_ids (user_id);
alter table easyflow.integration_ids enable row level security;
alter table easyflow.integration_ids force row level security;
create policy rls_integration_ids_own on easyflow.integration_ids for select
    using (user_id = core.acting_user());

create function easyflow.index_integration_id()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from easyflow.integration_ids x
        where x.integration_id = old.id
          and x.user_id = old.user_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into easyflow.integration_ids (integration_id, user_id)
        values (new.id, new.user_id);
    end if;
    return null;
end;
$$;
comment on function easyflow.index_integration_id() is
    'Keeps easyflow.integration_ids in step with the integration a row connects, deletes or re-keys (the only writer).';

create function easyflow.clear_integration_ids()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (the bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    delete from easyflow.integration_ids;
    return null;
end;
$$;
comment on function easyflow.clear_integration_ids() is
    'TRUNCATE of easyflow.integrations empties the integration id index with it.';

create trigger tg_integrations_id
    after insert or delete on easyflow.integrations
    for each row execute function easyflow.index_integration_id();
create trigger tg_integrations_id_update
    after update of id, user_id on easyflow.integrations
    for each row
    when ((old.id, old.user_id) is distinct from (new.id, new.user_id))
    execute function easyflow.index_integration_id();
create trigger tg_integrations_id_truncate
    after truncate on easyflow.integrations
    for each statement execute function easyflow.clear_integration_ids();

do $$
declare
    shared text;
    how_many bigint;
begin
    select string_agg(id::text, ', ' order by id) filter (where n <= 20), count(*)
      into shared, how_many
      from (
          select id, row_number() over (order by id) as n
            from easyflow.integrations
           group by id
          having count(*) > 1
      ) as twins;
    if how_many > 0 then
        raise exception 'easyflow.integrations holds % id(s) that two users share%: %', how_many,
            case when how_many > 20 then ' (the first 20)' else '' end, shared
            using hint = 'delete or re-key one integration of each id, then migrate again';
    end if;
end;
$$;
insert into easyflow.integration_ids (integration_id, user_id)
select id, user_id
from easyflow.integrations;

-- The owner role owns the new table and functions (a login acting for it runs later migrations);
-- that re-grants the app and read-only roles every partition of messages, detached ones included,
-- which 0077's function takes back. Then EXECUTE of both functions is taken back (checked when a trigger is created: one the app
-- could execute it could attach to a table of its own).
select core.grant_domain_privileges('easyflow');
select easyflow.protect_message_partitions();
revoke execute on function easyflow.index_integration_id() from public;
revoke execute on function easyflow.clear_integration_ids() from public;
