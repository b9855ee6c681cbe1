-- depends: 0021_deals_derived_data
--
-- deals: columns the seed describes that nothing kept true, limits it stores that nothing enforced,
-- and the lifecycles its enums define that nothing reached (issue 15).
--
-- * Emails are lowercase in the database, not only in Python: ck_users_email_lowercase. A social
--   login is a (social_provider, social_id) pair, both or neither (ck_users_social_pair); the pair is
--   unique by uq_users_social_provider_social_id (0026, built concurrently).
-- * users.total_deals_found counts the deals ever recorded for the user's goals: +1 when a deal is
--   inserted, moved with the deal when it changes to another user's goal, never lowered by a delete
--   (a deal found stays found, like total_tokens_spent). Inserts are counted per statement
--   (count_user_deals_found), moves by count_goal_matches; both after the goal row is locked: the
--   lock order of every path here (goal before user).
-- * users.success_rate is the share of the user's goals with a decided outcome that succeeded:
--   "success" is a goal reaching 'completed'; a decided outcome is 'completed', 'failed' or
--   'expired' (cancelled, paused, active and error goals are not decided by the service and do not
--   count). 0 while no goal is decided; rounded to 4 places (numeric(5, 4)). Recomputed from the
--   user's goals whenever a goal enters or leaves a decided status, after locking the user row: a
--   concurrent change of another goal of the same user waits for the lock and then counts with a
--   fresh snapshot (READ COMMITTED, one snapshot per statement), so no update is lost.
-- * goals.max_matches: recording a deal for a goal that already has max_matches deals raises
--   SF201 (GoalMatchLimitReached); the goal row lock serialises concurrent recorders, so the limit
--   holds under concurrency. Goal matching skips goals at their limit (sql/deals/goals.sql).
-- * goals.max_tokens: a deduction for a goal that would take its total_tokens_spent past max_tokens
--   raises SF202 (GoalTokenLimitExceeded), under the goal's row lock, before the balance moves.
-- * Token transactions: deals.apply_token_change (0021) still writes 'completed' rows at once; a
--   transaction can now also start 'pending' (an on-chain payment awaiting confirmation: no balance
--   moves), then complete (deals.complete_token_transaction moves the balance exactly as
--   apply_token_change would, records tx_hash, appends history) or fail / be cancelled (no balance
--   change). guard_token_transaction_status refuses every other status change with SF203
--   (IllegalTransition): a final status never changes, and only complete_token_transaction may set
--   'completed' on a pending row (it marks itself with a transaction-local setting), so no balance
--   can be skipped. An unknown transaction raises SF204 (reported as NotFound).

-- Existing rows are checked by VALIDATE (a NOT VALID constraint guards new rows from the start).
alter table deals.users
    add constraint ck_users_email_lowercase check (email = lower(email)) not valid;
alter table deals.users validate constraint ck_users_email_lowercase;
alter table deals.users
    add constraint ck_users_social_pair check ((social_provider is null) = (social_id is null)) not valid;
alter table deals.users validate constraint ck_users_social_pair;

-- The balance move shared by apply_token_change and complete_token_transaction: goal (with its
-- max_tokens), then user (with its balance); returns the balance after.
create function deals.move_token_balance(
    p_user_id uuid,
    p_type deals.transactiontype,
    p_amount numeric,
    p_goal_id uuid
)
returns numeric
language plpgsql
as $$
declare
    v_change numeric(18, 8);
    v_spent numeric(18, 8);
    v_after numeric(18, 8);
    v_goal_spent numeric(18, 8);
    v_goal_max numeric(18, 8);
begin
    if p_amount is null or p_amount <= 0 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('a token amount must be positive, got %s', p_amount);
    end if;
    v_change := case p_type when 'deduction' then -p_amount else p_amount end;
    v_spent := case p_type when 'deduction' then p_amount when 'refund' then -p_amount else 0 end;

    -- Goal before user: the lock order of every path that touches both.
    if p_goal_id is not null then
        update deals.goals
        set total_tokens_spent = total_tokens_spent + v_spent
        where id = p_goal_id
          and user_id = p_user_id
        returning total_tokens_spent, max_tokens into v_goal_spent, v_goal_max;
        if not found then
            raise exception using
                errcode = 'foreign_key_violation',
                constraint = 'fk_token_transactions_goal_id',
                message = format('goal %s does not exist or is not a goal of user %s', p_goal_id, p_user_id);
        end if;
        if p_type = 'deduction' and v_goal_max is not null and v_goal_spent > v_goal_max then
            raise exception using
                errcode = 'SF202',
                message = format(
                    'goal %s may spend at most %s tokens: %s more would make %s',
                    p_goal_id, v_goal_max, p_amount, v_goal_spent
                );
        end if;
    end if;

    update deals.users
    set token_balance = token_balance + v_change,
        total_tokens_spent = total_tokens_spent + v_spent,
        total_rewards_earned = total_rewards_earned + case p_type when 'reward' then p_amount else 0 end
    where id = p_user_id
      and token_balance + v_change >= 0
    returning token_balance into v_after;

    if not found then
        perform 1 from deals.users where id = p_user_id;
        if not found then
            raise exception using
                errcode = 'SF021',
                message = format('user %s does not exist', p_user_id);
        end if;
        raise exception using
            errcode = 'SF001',
            message = format('insufficient balance: user %s cannot pay %s tokens', p_user_id, p_amount);
    end if;
    return v_after;
end;
$$;

create or replace function deals.apply_token_change(
    p_user_id uuid,
    p_type deals.transactiontype,
    p_amount numeric,
    p_description text,
    p_goal_id uuid,
    p_meta_data jsonb
)
returns deals.token_balance_history
language plpgsql
as $$
declare
    v_after numeric(18, 8);
    v_change numeric(18, 8);
    v_transaction_id uuid;
    v_history deals.token_balance_history;
begin
    v_after := deals.move_token_balance(p_user_id, p_type, p_amount, p_goal_id);
    v_change := case p_type when 'deduction' then -p_amount else p_amount end;

    -- clock_timestamp(): rows of one user are written in lock order, so created_at orders them, also
    -- within one transaction (where now() would not move).
    insert into deals.token_transactions (
        user_id, type, amount, status, description, goal_id, created_at, meta_data
    )
    values (
        p_user_id, p_type, p_amount, 'completed', p_description, p_goal_id, clock_timestamp(),
        coalesce(p_meta_data, '{}')
    )
    returning id into v_transaction_id;

    insert into deals.token_balance_history (
        user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
    )
    values (
        p_user_id, v_after - v_change, v_after, v_change, p_type::text::deals.balancechangetype,
        v_transaction_id, clock_timestamp(), coalesce(p_meta_data, '{}')
    )
    returning * into v_history;
    return v_history;
end;
$$;

create function deals.complete_token_transaction(p_id uuid, p_tx_hash text)
returns deals.token_balance_history
language plpgsql
as $$
declare
    v_tx deals.token_transactions;
    v_after numeric(18, 8);
    v_change numeric(18, 8);
    v_history deals.token_balance_history;
begin
    -- The transaction row first: a second completer waits here and then sees it completed.
    select * into v_tx from deals.token_transactions where id = p_id for update;
    if not found then
        raise exception using errcode = 'SF204', message = format('token transaction %s does not exist', p_id);
    end if;
    if v_tx.status <> 'pending' then
        raise exception using
            errcode = 'SF203',
            message = format('token transaction %s is %s; only a pending one completes', p_id, v_tx.status);
    end if;
    v_after := deals.move_token_balance(v_tx.user_id, v_tx.type, v_tx.amount, v_tx.goal_id);
    v_change := case v_tx.type when 'deduction' then -v_tx.amount else v_tx.amount end;

    perform set_config('deals.completing_transaction', p_id::text, true);
    update deals.token_transactions
    set status = 'completed',
        tx_hash = coalesce(p_tx_hash, tx_hash)
    where id = p_id;
    perform set_config('deals.completing_transaction', '', true);

    insert into deals.token_balance_history (
        user_id, balance_before, balance_after, change_amount, change_type, transaction_id, created_at, meta_data
    )
    values (
        v_tx.user_id, v_after - v_change, v_after, v_change, v_tx.type::text::deals.balancechangetype,
        p_id, clock_timestamp(), v_tx.meta_data
    )
    returning * into v_history;
    return v_history;
end;
$$;

comment on function deals.complete_token_transaction(uuid, text) is
    'Complete a pending token transaction: move the balance, record tx_hash, append history. SF203 unless pending.';

create function deals.guard_token_transaction_status()
returns trigger
language plpgsql
as $$
begin
    if old.status <> 'pending'
       or new.status = 'pending'
       or (new.status = 'completed'
           and coalesce(current_setting('deals.completing_transaction', true), '') <> new.id::text) then
        raise exception using
            errcode = 'SF203',
            message = format(
                'token transaction %s cannot go from %s to %s%s', old.id, old.status, new.status,
                case when new.status = 'completed' and old.status = 'pending'
                     then ' except through deals.complete_token_transaction' else '' end
            );
    end if;
    return new;
end;
$$;

create trigger tg_token_transactions_guard_status before update of status on deals.token_transactions
    for each row when (old.status is distinct from new.status)
    execute function deals.guard_token_transaction_status();

create or replace function deals.count_goal_matches()
returns trigger
language plpgsql
as $$
declare
    v_found integer;
    v_max integer;
    v_new_owner uuid;
    v_old_owner uuid;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update deals.goals
        set total_matches_found = total_matches_found - 1
        where id = old.goal_id
        returning user_id into v_old_owner;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        update deals.goals
        set total_matches_found = total_matches_found + 1
        where id = new.goal_id
        returning total_matches_found, max_matches, user_id into v_found, v_max, v_new_owner;
        if v_max is not null and v_found > v_max then
            raise exception using
                errcode = 'SF201',
                message = format('goal %s already has its %s matches (max_matches)', new.goal_id, v_max);
        end if;
        -- A move to another user's goal moves the deal in the owners' totals (inserts are counted
        -- per statement by count_user_deals_found).
        if tg_op = 'UPDATE' and v_new_owner is distinct from v_old_owner then
            update deals.users
            set total_deals_found = total_deals_found - 1
            where id = v_old_owner;
            update deals.users
            set total_deals_found = total_deals_found + 1
            where id = v_new_owner;
        end if;
    end if;
    return null;
end;
$$;

-- Per statement, over the transition table: a bulk insert of deals updates each owner once. Per
-- row, one user hit by many rows of a statement would pile up row versions that every later update of
-- the statement walks again. Runs after the row triggers, so goals are locked before users; owners in
-- id order, so concurrent bulk inserters lock alike.
create function deals.count_user_deals_found()
returns trigger
language plpgsql
as $$
declare
    v_owner record;
begin
    for v_owner in
        select g.user_id, count(*) as found
        from inserted_deals as d
        join deals.goals as g on g.id = d.goal_id
        group by g.user_id
        order by g.user_id
    loop
        update deals.users
        set total_deals_found = total_deals_found + v_owner.found
        where id = v_owner.user_id;
    end loop;
    return null;
end;
$$;

create trigger tg_deals_user_deals_found_insert after insert on deals.deals
    referencing new table as inserted_deals
    for each statement execute function deals.count_user_deals_found();

create function deals.refresh_success_rate(p_user_id uuid)
returns void
language plpgsql
as $$
begin
    -- Lock first, count after: the count then runs with a snapshot taken after any concurrent
    -- writer of this user's goals committed.
    perform 1 from deals.users where id = p_user_id for no key update;
    update deals.users
    set success_rate = coalesce(
        (
            select round(count(*) filter (where status = 'completed')::numeric / nullif(count(*), 0), 4)
            from deals.goals
            where user_id = p_user_id
              and status in ('completed', 'failed', 'expired')
        ),
        0
    )
    where id = p_user_id;
end;
$$;

-- One row changed by an UPDATE: its owner (and the previous owner when the goal moved).
create function deals.keep_success_rate()
returns trigger
language plpgsql
as $$
begin
    perform deals.refresh_success_rate(old.user_id);
    if new.user_id is distinct from old.user_id then
        perform deals.refresh_success_rate(new.user_id);
    end if;
    return null;
end;
$$;

-- INSERT and DELETE are per statement, over the transition table: a bulk load or a cascade from a
-- deleted user recounts each owner once (in id order, so concurrent bulk writers lock alike), not
-- once per goal. An UPDATE trigger with a column list cannot have a transition table, and updates of
-- goals are mostly other columns (checks, token totals), so updates stay per row, filtered by WHEN.
create function deals.keep_success_rate_bulk()
returns trigger
language plpgsql
as $$
declare
    v_user uuid;
begin
    if tg_op = 'INSERT' then
        for v_user in
            select distinct user_id from inserted_goals where status in ('completed', 'failed', 'expired') order by 1
        loop
            perform deals.refresh_success_rate(v_user);
        end loop;
    else
        for v_user in
            select distinct user_id from deleted_goals where status in ('completed', 'failed', 'expired') order by 1
        loop
            perform deals.refresh_success_rate(v_user);
        end loop;
    end if;
    return null;
end;
$$;

create trigger tg_goals_success_rate_insert after insert on deals.goals
    referencing new table as inserted_goals
    for each statement execute function deals.keep_success_rate_bulk();
create trigger tg_goals_success_rate_update after update of status, user_id on deals.goals
    for each row when (
        (old.status is distinct from new.status or old.user_id is distinct from new.user_id)
        and (old.status in ('completed', 'failed', 'expired') or new.status in ('completed', 'failed', 'expired'))
    )
    execute function deals.keep_success_rate();
create trigger tg_goals_success_rate_delete after delete on deals.goals
    referencing old table as deleted_goals
    for each statement execute function deals.keep_success_rate_bulk();
