drop trigger tg_goals_success_rate_delete on deals.goals;
drop trigger tg_goals_success_rate_update on deals.goals;
drop trigger tg_goals_success_rate_insert on deals.goals;
drop function deals.keep_success_rate_bulk();
drop function deals.keep_success_rate();
drop function deals.refresh_success_rate(uuid);

drop trigger tg_deals_user_deals_found_insert on deals.deals;
drop function deals.count_user_deals_found();

drop trigger tg_token_transactions_guard_status on deals.token_transactions;
drop function deals.guard_token_transaction_status();
drop function deals.complete_token_transaction(uuid, text);

-- The bodies of 0021.
create or replace function deals.count_goal_matches()
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

drop function deals.move_token_balance(uuid, deals.transactiontype, numeric, uuid);

alter table deals.users drop constraint ck_users_social_pair;
alter table deals.users drop constraint ck_users_email_lowercase;
