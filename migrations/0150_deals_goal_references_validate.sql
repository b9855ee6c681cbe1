-- depends: 0149_deals_goal_references_tenant_keys
--
-- deals: 0149's keys are checked against every existing row. VALIDATE takes SHARE UPDATE EXCLUSIVE
-- on the referencing table and ROW SHARE on goals: reads and writes go on while it scans.
--
-- A row pointing at a goal of another user fails it. Row-level security refuses such a write from
-- the application role, but a role that bypasses it (sqlfirst_worker, the owner) could write one,
-- and a goal handed to another user left its messages, notifications and transactions behind. The
-- migration then stops, naming the table and the key, and changes nothing: pointing each such row
-- at a goal of its own user, or at none, is the owner's decision (the update in the message nulls
-- them); migrating again then validates.
do $$
declare
    v_table text;
    v_detail text;
begin
    foreach v_table in array array['chat_messages', 'notifications', 'token_transactions'] loop
        begin
            execute format('alter table deals.%I validate constraint %I', v_table, 'fk_' || v_table || '_goal_id_user_id');
        exception when foreign_key_violation then
            get stacked diagnostics v_detail = pg_exception_detail;
            raise exception using
                errcode = 'foreign_key_violation',
                schema = 'deals',
                table = v_table,
                detail = v_detail,
                constraint = 'fk_' || v_table || '_goal_id_user_id',
                message = format(
                    'deals.%s has rows that point at a goal of another user (%s); point them at a goal of '
                    'their own user or at none, e.g. update deals.%I as r set goal_id = null from deals.goals as g '
                    'where g.id = r.goal_id and g.user_id <> r.user_id; then migrate again',
                    v_table, sqlerrm, v_table
                );
        end;
    end loop;
end;
$$;
