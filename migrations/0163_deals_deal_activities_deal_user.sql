-- depends: 0162_deals_hash_keys
--
-- deals: a deal's activities carry the deal's user (issue 16, sql/deals/citus.toml), as its scores
-- do since 0142-0148: Citus distributes them by that user beside deals, so the column, the key and
-- the foreign key to the deal must hold it (0164-0168).
--
-- * deal_activities.deal_user_id, nullable for now (0164 fills the existing rows, 0165-0166 make it
--   NOT NULL). Not user_id: seed 002 gives that column to the user who performed the activity, null
--   for an agent's, and it keeps that meaning (and its ON DELETE SET NULL, which touches no
--   distribution column). Adding a nullable column without a default rewrites nothing.
-- * insert_deal_activity writes it (its deal's user). A writer that does not name it (a COPY, an
--   ORM) gets its deal's from tg_deal_activities_deal_user: 0129's fill_parent_user, which now takes
--   the column to fill as an optional fourth argument (user_id when it is not given, as before).
-- * An unknown deal fails as the foreign key would, naming it (fk_deal_activities_deal_id). Under
--   row-level security the trigger sees the deals the acting user may read: a shared deal of another
--   user gives that user, and the insert policy refuses the row (the deal's goal is not the acting
--   user's), as it refuses a private deal of another user or an unknown one (the column left null).
alter table deals.deal_activities add column deal_user_id uuid;

create or replace function deals.fill_parent_user()
returns trigger
language plpgsql
as $$
-- tg_argv: the parent table (in deals), the row's column naming its parent, the name of the foreign
-- key to the parent and, optionally, the row's column that takes the parent's user (user_id when
-- not given).
declare
    v_parent_id uuid;
    v_user_id uuid;
begin
    execute format('select ($1).%I', tg_argv[1]) into v_parent_id using new;
    execute format('select p.user_id from deals.%I as p where p.id = $1', tg_argv[0])
        into v_user_id using v_parent_id;
    if v_user_id is null and v_parent_id is not null
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
    if tg_nargs < 4 then
        new.user_id := v_user_id;
    elsif not exists (select from pg_attribute
                      where attrelid = tg_relid and attname = tg_argv[3] and attnum > 0 and not attisdropped) then
        raise exception 'trigger % on %: no column % to fill', tg_name, tg_table_name, tg_argv[3];
    else
        new := json_populate_record(new, json_build_object(tg_argv[3], v_user_id));
    end if;
    return new;
end;
$$;
comment on function deals.fill_parent_user() is
    'A row written without its user gets its parent''s: tg_argv is the parent table, the column '
    'naming the parent, the foreign key''s name and optionally the column to fill (user_id when not '
    'given) (tg_deals_user, tg_tasks_user, tg_deal_activities_deal_user, ...).';

create trigger tg_deal_activities_deal_user
    before insert on deals.deal_activities
    for each row when (new.deal_user_id is null)
    execute function deals.fill_parent_user('deals', 'deal_id', 'fk_deal_activities_deal_id', 'deal_user_id');
