-- depends: 0148_deals_deal_scores_tenant_key
--
-- deals: chat messages, notifications and token transactions point at a goal with the tenant on
-- both sides, (goal_id, user_id) -> goals (id, user_id) (issue 16, sql/deals/citus.toml), so that
-- goals can be keyed (id, user_id) (0152). The id-only keys (on delete set null) go in 0151.
--
-- Citus refuses ON DELETE SET NULL on a key holding the distribution column (PostgreSQL 15's
-- SET NULL (goal_id) included: citusdata/citus#7132), so these keys take no action and the nulling
-- moves into deals.delete_goal, which goals.delete calls: it locks the goal first (a writer about
-- to point at it waits, then is refused by the key), clears the three references under fresh
-- snapshots, then deletes the goal. Under REPEATABLE READ or SERIALIZABLE the clearing reads the
-- transaction's snapshot: a reference committed after it makes the delete a serialization failure
-- (40001), which the caller's retry (run_in_transaction) runs again. Deleting a user still takes its goals and all of these rows in
-- one statement (the no-action checks run at its end). A raw `delete from deals.goals` of a goal
-- something still points at is refused, naming the key.
--
-- NOT VALID: adding them scans nothing and they hold for every write from here on; 0150 validates
-- them without blocking writes (a row pointing at another user's goal fails it, naming the key).
create function deals.delete_goal(p_id uuid)
returns integer
language plpgsql
as $$
declare
    v_user uuid;
    v_schema text;
    v_table text;
    v_constraint text;
begin
    select g.user_id into v_user from deals.goals as g where g.id = p_id for update;
    if not found then
        return 0;
    end if;
    update deals.chat_messages set goal_id = null where goal_id = p_id and user_id = v_user;
    update deals.notifications set goal_id = null where goal_id = p_id and user_id = v_user;
    update deals.token_transactions set goal_id = null where goal_id = p_id and user_id = v_user;
    begin
        delete from deals.goals where id = p_id and user_id = v_user;
    exception when foreign_key_violation then
        -- Under REPEATABLE READ or SERIALIZABLE the updates read the transaction's snapshot, so a
        -- reference committed after it (by a writer the lock waited for) is still there when the
        -- key checks the delete: the caller's transaction is to run again, in a new snapshot. Any
        -- other key's refusal, or one under READ COMMITTED (which the lock rules out), is raised
        -- as it is.
        get stacked diagnostics v_schema = schema_name, v_table = table_name, v_constraint = constraint_name;
        if v_schema = 'deals' and v_table in ('chat_messages', 'notifications', 'token_transactions')
           and current_setting('transaction_isolation') in ('repeatable read', 'serializable') then
            raise exception using
                errcode = 'serialization_failure',
                message = format('goal %s gained a reference after this transaction''s snapshot; run it again', p_id),
                detail = format('%s refused the delete (%s.%s)', v_constraint, v_schema, v_table);
        end if;
        raise;
    end;
    return 1;
end;
$$;
comment on function deals.delete_goal(uuid) is
    'Delete one goal (its deals and tasks cascade); chat messages, notifications and token '
    'transactions that pointed at it stay, with goal_id null. 1, or 0 when there is no such goal.';

alter table deals.chat_messages
    add constraint fk_chat_messages_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
alter table deals.notifications
    add constraint fk_notifications_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
alter table deals.token_transactions
    add constraint fk_token_transactions_goal_id_user_id foreign key (goal_id, user_id)
        references deals.goals (id, user_id) not valid;
