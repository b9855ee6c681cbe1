-- depends: 0020_deals_schema
--
-- deals: what the database keeps by itself, because it must hold under concurrency and no caller may
-- forget it.
--
-- * Token economy. deals.deduct_tokens / reward_tokens / refund_tokens each do, in one statement:
--   the token_transactions row, the change of users.token_balance, the token_balance_history row
--   (before, after, signed change, type, transaction id) and users.total_tokens_spent /
--   total_rewards_earned (a refund gives spent tokens back, so it lowers total_tokens_spent and can
--   never exceed it: ck_users_total_tokens_spent). The balance moves in a single
--   `update ... where token_balance + change >= 0 returning`: the row lock serialises concurrent
--   operations on one user, and READ COMMITTED re-checks the condition against the latest balance
--   after waiting, so there is no lost update and no overdraft. One user row (and at most one goal
--   row, always locked before the user, the order every trigger here uses too) means no lock cycle,
--   hence no deadlock. A deduction larger than the balance raises SQLSTATE SF001
--   (sqlfirst.errors.InsufficientBalance); an unknown user raises SF021. Either aborts the statement,
--   so nothing of the operation is left behind.
-- * A change of deals.current_price (and the first price, on insert) appends a price_tracking row.
-- * users.active_goals_count follows goals entering and leaving the 'active' status (insert,
--   update of status or owner, delete).
-- * goals.total_matches_found follows the deals recorded for the goal (insert, move, delete).
-- * token_pricing writers of one service take turns (a transaction-scoped advisory lock keyed by the
--   service). The exclusion constraint alone never lets overlapping windows in, but two inserters
--   that overlap each other wait on each other's index entry and one of them dies as a deadlock
--   victim; serialised, the later one sees the committed row and gets the exclusion violation.

create function deals.apply_token_change(
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
    v_change numeric(18, 8);
    v_spent numeric(18, 8);
    v_after numeric(18, 8);
    v_transaction_id uuid;
    v_history deals.token_balance_history;
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
          and user_id = p_user_id;
        if not found then
            raise exception using
                errcode = 'foreign_key_violation',
                constraint = 'fk_token_transactions_goal_id',
                message = format('goal %s does not exist or is not a goal of user %s', p_goal_id, p_user_id);
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

comment on function deals.apply_token_change(uuid, deals.transactiontype, numeric, text, uuid, jsonb) is
    'One token operation, atomically: transaction row, balance, history, totals. Raises SF001 on overdraft.';

create function deals.deduct_tokens(
    p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb
)
returns deals.token_balance_history
language sql
as $$
    select * from deals.apply_token_change(p_user_id, 'deduction', p_amount, p_description, p_goal_id, p_meta_data);
$$;

create function deals.reward_tokens(
    p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb
)
returns deals.token_balance_history
language sql
as $$
    select * from deals.apply_token_change(p_user_id, 'reward', p_amount, p_description, p_goal_id, p_meta_data);
$$;

create function deals.refund_tokens(
    p_user_id uuid, p_amount numeric, p_description text, p_goal_id uuid, p_meta_data jsonb
)
returns deals.token_balance_history
language sql
as $$
    select * from deals.apply_token_change(p_user_id, 'refund', p_amount, p_description, p_goal_id, p_meta_data);
$$;

create function deals.track_deal_price()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' or new.current_price is distinct from old.current_price then
        insert into deals.price_tracking (deal_id, price, currency, source, tracked_at)
        values (new.id, new.current_price, new.currency, new.source, clock_timestamp());
    end if;
    return null;
end;
$$;

create trigger tg_deals_track_price_insert after insert on deals.deals
    for each row execute function deals.track_deal_price();
create trigger tg_deals_track_price_update after update of current_price on deals.deals
    for each row when (old.current_price is distinct from new.current_price)
    execute function deals.track_deal_price();

create function deals.count_active_goals()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.status = 'active' then
        update deals.users
        set active_goals_count = active_goals_count - 1
        where id = old.user_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.status = 'active' then
        update deals.users
        set active_goals_count = active_goals_count + 1
        where id = new.user_id;
    end if;
    return null;
end;
$$;

create trigger tg_goals_active_count_insert after insert on deals.goals
    for each row when (new.status = 'active')
    execute function deals.count_active_goals();
create trigger tg_goals_active_count_update after update of status, user_id on deals.goals
    for each row when (old.status is distinct from new.status or old.user_id is distinct from new.user_id)
    execute function deals.count_active_goals();
create trigger tg_goals_active_count_delete after delete on deals.goals
    for each row when (old.status = 'active')
    execute function deals.count_active_goals();

create function deals.count_goal_matches()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update deals.goals
        set total_matches_found = total_matches_found - 1
        where id = old.goal_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        update deals.goals
        set total_matches_found = total_matches_found + 1
        where id = new.goal_id;
    end if;
    return null;
end;
$$;

create trigger tg_deals_goal_matches_insert after insert on deals.deals
    for each row execute function deals.count_goal_matches();
create trigger tg_deals_goal_matches_update after update of goal_id on deals.deals
    for each row when (old.goal_id is distinct from new.goal_id)
    execute function deals.count_goal_matches();
create trigger tg_deals_goal_matches_delete after delete on deals.deals
    for each row execute function deals.count_goal_matches();

create function deals.lock_token_pricing_service()
returns trigger
language plpgsql
as $$
begin
    perform pg_advisory_xact_lock(hashtext('deals.token_pricing'), hashtext(new.service_type));
    return new;
end;
$$;

create trigger tg_token_pricing_lock_service before insert or update on deals.token_pricing
    for each row execute function deals.lock_token_pricing_service();
