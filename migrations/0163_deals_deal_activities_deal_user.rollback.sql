drop trigger tg_deal_activities_deal_user on deals.deal_activities;
create or replace function deals.fill_parent_user()
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
alter table deals.deal_activities drop column deal_user_id;
