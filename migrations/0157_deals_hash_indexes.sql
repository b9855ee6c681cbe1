-- depends: 0156_deals_token_transactions_tenant_key
--
-- deals: the uniqueness of auth token hashes and on-chain transaction hashes across users moves to
-- tables of their own (issue 16, sql/deals/citus.toml), as easyflow's session ids did (0105-0109).
--
-- A token is presented before anyone knows whose it is (deals.active_auth_token), and a tx_hash
-- arrives from the chain the same way; both are unique across every user. Citus enforces a unique
-- key of a distributed table only when it holds the distribution column, so auth_tokens'
-- uq_auth_tokens_token (token) becomes (token, user_id) and token_transactions'
-- uq_token_transactions_tx_hash (tx_hash) becomes (tx_hash, user_id), under their names (0160-0162).
-- The uniqueness across users moves here: token -> (user_id, auth_token_id) and
-- tx_hash -> (user_id, transaction_id), reference tables under Citus (replicated to every node, so
-- a call can find a hash's user on any node, then go to that user's shard). They point at users (a
-- reference table too), not at the distributed tables, which a reference table may not do:
-- triggers on auth_tokens and token_transactions keep them in the statement that writes, deletes or
-- re-keys a row, so once the tables' keys hold user_id (0162) a hash already held by another
-- user's row fails on pk_auth_token_hashes or pk_transaction_hashes as it failed on the old unique
-- keys (the same user's fails on the table's own key first), and under concurrency the second writer
-- waits for the first and is then refused. A transaction without a tx_hash has no row.
--
-- No tenant writes them but through the triggers: the functions are SECURITY DEFINER, owned by the
-- owner role (which bypasses row-level security), and row-level security is forced with a SELECT
-- policy only: the app role reads the rows of its own hashes and writes none (an INSERT is refused,
-- an UPDATE or DELETE finds no row); were a tenant able to delete its row, another tenant could
-- then take the hash. auth_token_hashes.token is a secret column like auth_tokens.token
-- (core.secret_columns): only the owner selects it. The worker, which bypasses row-level security,
-- is trusted across tenants as it is everywhere.
--
-- This migration only creates: 0158 fills the tables for the rows that exist (without blocking
-- their writes), 0159 sweeps what a delete during that fill left.
create table deals.auth_token_hashes (
    token text not null,
    user_id uuid not null,
    auth_token_id uuid not null,
    constraint pk_auth_token_hashes primary key (token),
    constraint fk_auth_token_hashes_user_id foreign key (user_id)
        references deals.users (id) on delete cascade
);
comment on table deals.auth_token_hashes is
    'Every auth token hash with its user and token, unique across users; kept by tg_auth_tokens_hash on auth_tokens.';
create index ix_auth_token_hashes_user_id on deals.auth_token_hashes (user_id);

create table deals.transaction_hashes (
    tx_hash varchar(66) not null,
    user_id uuid not null,
    transaction_id uuid not null,
    constraint pk_transaction_hashes primary key (tx_hash),
    constraint fk_transaction_hashes_user_id foreign key (user_id)
        references deals.users (id) on delete cascade
);
comment on table deals.transaction_hashes is
    'Every on-chain tx_hash with its user and token transaction, unique across users; kept by tg_token_transactions_hash on token_transactions.';
-- Serve the cascades from a deleted user.
create index ix_transaction_hashes_user_id on deals.transaction_hashes (user_id);

alter table deals.auth_token_hashes enable row level security;
alter table deals.auth_token_hashes force row level security;
create policy rls_auth_token_hashes_own on deals.auth_token_hashes for select
    using (user_id = (select core.acting_user()));
alter table deals.transaction_hashes enable row level security;
alter table deals.transaction_hashes force row level security;
create policy rls_transaction_hashes_own on deals.transaction_hashes for select
    using (user_id = (select core.acting_user()));
insert into core.secret_columns (schema_name, table_name, column_name)
values ('deals', 'auth_token_hashes', 'token');

create function deals.index_auth_token_hash()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from deals.auth_token_hashes h
        where h.token = old.token
          and h.user_id = old.user_id
          and h.auth_token_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into deals.auth_token_hashes (token, user_id, auth_token_id)
        values (new.token, new.user_id, new.id);
    end if;
    return null;
end;
$$;
comment on function deals.index_auth_token_hash() is
    'Keeps deals.auth_token_hashes in step with the auth token a row writes, deletes or re-keys (the only writer).';

create function deals.index_transaction_hash()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.tx_hash is not null then
        delete from deals.transaction_hashes h
        where h.tx_hash = old.tx_hash
          and h.user_id = old.user_id
          and h.transaction_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.tx_hash is not null then
        insert into deals.transaction_hashes (tx_hash, user_id, transaction_id)
        values (new.tx_hash, new.user_id, new.id);
    end if;
    return null;
end;
$$;
comment on function deals.index_transaction_hash() is
    'Keeps deals.transaction_hashes in step with the tx_hash a token transaction writes, clears or re-keys (the only writer).';

create function deals.clear_hash_index()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (a bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    if tg_table_name = 'auth_tokens' then
        delete from deals.auth_token_hashes;
    else
        delete from deals.transaction_hashes;
    end if;
    return null;
end;
$$;
comment on function deals.clear_hash_index() is
    'TRUNCATE of deals.auth_tokens or deals.token_transactions empties its hash index with it.';

-- The WHEN clauses keep the functions out of writes that change no hash: a transaction begun or
-- applied without one, a completion that records none (complete_token_transaction sets tx_hash to
-- itself), a revoked or touched token.
create trigger tg_auth_tokens_hash
    after insert or delete on deals.auth_tokens
    for each row execute function deals.index_auth_token_hash();
create trigger tg_auth_tokens_hash_update
    after update of id, user_id, token on deals.auth_tokens
    for each row
    when ((old.id, old.user_id, old.token) is distinct from (new.id, new.user_id, new.token))
    execute function deals.index_auth_token_hash();
create trigger tg_auth_tokens_hash_truncate
    after truncate on deals.auth_tokens
    for each statement execute function deals.clear_hash_index();
create trigger tg_token_transactions_hash
    after insert on deals.token_transactions
    for each row when (new.tx_hash is not null) execute function deals.index_transaction_hash();
create trigger tg_token_transactions_hash_delete
    after delete on deals.token_transactions
    for each row when (old.tx_hash is not null) execute function deals.index_transaction_hash();
create trigger tg_token_transactions_hash_update
    after update of id, user_id, tx_hash on deals.token_transactions
    for each row
    when ((old.id, old.user_id, old.tx_hash) is distinct from (new.id, new.user_id, new.tx_hash))
    execute function deals.index_transaction_hash();
create trigger tg_token_transactions_hash_truncate
    after truncate on deals.token_transactions
    for each statement execute function deals.clear_hash_index();

-- The owner role owns the new tables and functions (a login acting for it runs later migrations);
-- that re-grants the app and read-only roles every partition of price_tracking, which
-- core.secure_partitions takes back. Then EXECUTE of the functions (checked when a trigger is
-- created: one the app could execute it could attach to a table of its own).
select core.grant_domain_privileges('deals');
select core.secure_partitions('deals.price_tracking');
revoke execute on function deals.index_auth_token_hash() from public;
revoke execute on function deals.index_transaction_hash() from public;
revoke execute on function deals.clear_hash_index() from public;
