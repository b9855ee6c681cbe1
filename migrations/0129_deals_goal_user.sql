-- depends: 0128_deals_goals_tenant_key_index
--
-- deals: a deal and a task carry the user of their goal (issue 16, sql/deals/citus.toml): Citus
-- distributes them by user_id beside goals, so the column and the foreign key to the goal must hold
-- it (0130-0133), as agent_hub's sessions' children do since 0111-0123.
--
-- * deals.user_id and tasks.user_id, nullable for now (0130 fills the existing rows, 0131-0132
--   make them NOT NULL): adding a nullable column without a default rewrites nothing.
-- * insert_deal and insert_task write it (their goal's user). A writer that does not name it (a
--   COPY, an ORM) gets its goal's from tg_deals_user / tg_tasks_user, on one server; under Citus
--   such a writer passes it, since a row is routed to its shard by user_id before any trigger runs.
-- * A goal that does not exist fails as the foreign key would, naming it (fk_deals_goal_id,
--   fk_tasks_goal_id), before the NOT NULL of user_id could. Under row-level security the trigger
--   sees only the acting user's goals: another user's goal leaves user_id null, and the insert
--   policy refuses the row (PermissionDenied) exactly as it refuses an unknown goal's, so trying
--   tells nobody whether someone else's goal exists.
alter table deals.deals add column user_id uuid;
alter table deals.tasks add column user_id uuid;

create function deals.fill_parent_user()
returns trigger
language plpgsql
as $$
-- tg_argv: the parent table (in deals), the row's column naming its parent, and the name of the
-- foreign key to the parent.
declare
    v_parent_id uuid;
begin
    execute format('select ($1).%I', tg_argv[1]) into v_parent_id using new;
    execute format('select p.user_id from deals.%I as p where p.id = $1', tg_argv[0])
        into new.user_id using v_parent_id;
    if new.user_id is null and v_parent_id is not null
       and not row_security_active(format('deals.%I', tg_argv[0])) then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = tg_argv[2],
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"', tg_table_name, tg_argv[2]
            ),
            detail = format('Key (%s)=(%s) is not present in table "%s".', tg_argv[1], v_parent_id, tg_argv[0]);
    end if;
    return new;
end;
$$;
comment on function deals.fill_parent_user() is
    'A row written without its user gets its parent''s: tg_argv is the parent table, the column '
    'naming the parent and the foreign key''s name (tg_deals_user, tg_tasks_user, ...).';

create trigger tg_deals_user
    before insert on deals.deals
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('goals', 'goal_id', 'fk_deals_goal_id');
create trigger tg_tasks_user
    before insert on deals.tasks
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('goals', 'goal_id', 'fk_tasks_goal_id');
