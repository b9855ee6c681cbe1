-- depends: 0217_deals_tenant_keys
--
-- deals: goals.total_matches_found is counted per statement for inserts and deletes, over the
-- statement's transition table, as users.total_deals_found already is (0025). Per row, a bulk insert
-- of N deals for one goal updated that goal N times in one transaction; every update walked the row
-- versions the earlier ones left, so the statement cost grew with N squared (20,000 deals for one goal
-- took 15 s here, 2.8 s with that trigger off). Now each goal of the statement is
-- updated once, in goal id order (concurrent bulk writers lock goals alike), and goals are still
-- locked before users: statement triggers fire in name order, tg_deals_goal_matches_* before
-- tg_deals_user_deals_found_insert. max_matches holds as before: a statement that takes a goal past
-- its limit raises SF201 and writes nothing. A move to another goal (UPDATE OF goal_id) stays per row:
-- PostgreSQL refuses transition tables on a trigger with a column list.
-- Catalog changes only: DROP TRIGGER takes deals' ACCESS EXCLUSIVE lock first, for a moment.
create function deals.count_goal_matches_per_statement()
returns trigger
language plpgsql
as $$
declare
    v_goal record;
    v_found integer;
    v_max integer;
begin
    if tg_op = 'INSERT' then
        for v_goal in
            select goal_id, count(*)::integer as n
            from inserted_deals
            where goal_id is not null
            group by goal_id
            order by goal_id
        loop
            update deals.goals
            set total_matches_found = total_matches_found + v_goal.n
            where id = v_goal.goal_id
            returning total_matches_found, max_matches into v_found, v_max;
            if v_max is not null and v_found > v_max then
                raise exception using
                    errcode = 'SF201',
                    message = format('goal %s already has its %s matches (max_matches)', v_goal.goal_id, v_max);
            end if;
        end loop;
    else
        for v_goal in
            select goal_id, count(*)::integer as n
            from deleted_deals
            where goal_id is not null
            group by goal_id
            order by goal_id
        loop
            update deals.goals
            set total_matches_found = total_matches_found - v_goal.n
            where id = v_goal.goal_id;
        end loop;
    end if;
    return null;
end;
$$;

comment on function deals.count_goal_matches_per_statement() is
    'goals.total_matches_found for a statement''s inserted or deleted deals: one update per goal, in id order; SF201 past max_matches.';

drop trigger tg_deals_goal_matches_insert on deals.deals;
drop trigger tg_deals_goal_matches_delete on deals.deals;
create trigger tg_deals_goal_matches_insert after insert on deals.deals
    referencing new table as inserted_deals
    for each statement execute function deals.count_goal_matches_per_statement();
create trigger tg_deals_goal_matches_delete after delete on deals.deals
    referencing old table as deleted_deals
    for each statement execute function deals.count_goal_matches_per_statement();

select core.grant_domain_privileges('deals');
