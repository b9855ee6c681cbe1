-- depends: 0104_easyflow_platform_metrics_tenant_key
--
-- easyflow: the index of session ids, a table of its own (issue 16, sql/easyflow/citus.toml).
--
-- A platform hands over a session id before anyone knows whose it is (seed 003's
-- session:{session_id}), and session ids are unique across every user. Citus enforces a unique key
-- of a distributed table only when it holds the distribution column, so conversations'
-- uq_conversations_session_id (session_id) must become (session_id, user_id) (0108, 0109), and the
-- uniqueness across users moves here: session_id -> (user_id, conversation_id), a reference table
-- under Citus (replicated to every node, so a call can also find a session's user on any node, then
-- go to that user's shard). It points at users (a reference table too) and not at conversations,
-- which a reference table may not do: a trigger on conversations keeps it, in the statement that
-- starts, deletes or re-keys a conversation, so another user's conversation of a session fails on
-- pk_conversation_sessions as it failed on uq_conversations_session_id (the same user's fails on
-- the new key first). On one server the lookups of a session keep reading conversations' key,
-- whose leading column is session_id.
--
-- No tenant writes it but through the trigger: its function is SECURITY DEFINER, owned by the
-- owner role (which bypasses row-level security), and row-level security is forced with a SELECT
-- policy only, so the app role reads the rows of its own sessions (as on every other easyflow
-- tenant table, 0077) and writes none: an INSERT is refused, an UPDATE or DELETE finds no row.
-- Were a tenant able to delete its own row, another tenant could then start that session id too.
-- The table keeps the privileges every domain table has (core.grant_domain_privileges); the
-- worker, which bypasses row-level security, is trusted across tenants as it is everywhere.
--
-- This migration only creates: 0106 fills the table for the conversations that exist (without
-- blocking their writes), 0107 sweeps what a delete during that fill left.
create table easyflow.conversation_sessions (
    session_id varchar(255) not null,
    user_id uuid not null,
    conversation_id uuid not null,
    constraint pk_conversation_sessions primary key (session_id),
    constraint fk_conversation_sessions_user_id foreign key (user_id)
        references easyflow.users (id) on delete cascade
);
comment on table easyflow.conversation_sessions is
    'session:{session_id}: the session''s user and conversation, unique across users; kept by tg_conversations_session on conversations.';
-- Serves the cascade from a deleted user.
create index ix_conversation_sessions_user_id on easyflow.conversation_sessions (user_id);
alter table easyflow.conversation_sessions enable row level security;
alter table easyflow.conversation_sessions force row level security;
create policy rls_conversation_sessions_own on easyflow.conversation_sessions for select
    using (user_id = (select core.acting_user()));

create function easyflow.index_conversation_session()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from easyflow.conversation_sessions s
        where s.session_id = old.session_id
          and s.conversation_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into easyflow.conversation_sessions (session_id, user_id, conversation_id)
        values (new.session_id, new.user_id, new.id);
    end if;
    return null;
end;
$$;
comment on function easyflow.index_conversation_session() is
    'Keeps easyflow.conversation_sessions in step with the conversation a row starts, deletes or re-keys (the only writer).';

create function easyflow.clear_conversation_sessions()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- DELETE, not TRUNCATE: a TRUNCATE naming both tables (the bench's reload) still holds the index
    -- when this runs, and TRUNCATE refuses a table in use.
    delete from easyflow.conversation_sessions;
    return null;
end;
$$;
comment on function easyflow.clear_conversation_sessions() is
    'TRUNCATE of easyflow.conversations empties the session index with it.';

create trigger tg_conversations_session
    after insert or delete or update of id, session_id, user_id on easyflow.conversations
    for each row execute function easyflow.index_conversation_session();
create trigger tg_conversations_session_truncate
    after truncate on easyflow.conversations
    for each statement execute function easyflow.clear_conversation_sessions();

-- The owner role owns the new table and functions (a login acting for it runs later migrations);
-- that re-grants the app and read-only roles every partition of messages, which 0077's function
-- takes back. Then EXECUTE of both functions (checked when a trigger is created: one the app
-- could execute it could attach to a table of its own).
select core.grant_domain_privileges('easyflow');
select easyflow.protect_message_partitions();
revoke execute on function easyflow.index_conversation_session() from public;
revoke execute on function easyflow.clear_conversation_sessions() from public;
