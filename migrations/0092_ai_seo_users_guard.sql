-- depends: 0080_ai_seo_recount_for_worker 0083_core_bound_by_row_security
--
-- Who may change a staff account (issue 11, found by an adversarial review). ai_seo.users stays the
-- readable registry of the agency's staff without row-level security (0075), but every acting staff
-- member could write any account: an operator made themselves admin with set_role, and then read and
-- revoked every colleague's sessions, which the sessions policies open to admins. As devskyy does
-- for its users (0076), the rule now lives in a row trigger, for roles that RLS binds:
--   * an acting active admin creates, changes and deletes any account;
--   * anyone else creates only operators (sign-up), and changes or deletes only their own account,
--     never its role or whether it is active.
-- Refused writes raise insufficient_privilege (PermissionDenied). The worker, the owner and its
-- SECURITY DEFINER code pass, so the first admin is made by one of them (`sqlfirst db` tasks or a
-- migration), never by a sign-up.

create function ai_seo.guard_user_write()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
declare
    problem text;
begin
    if not core.bound_by_row_security() or ai_seo.acting_user_is_admin() then
        return case when tg_op = 'DELETE' then old else new end;
    end if;
    if tg_op = 'INSERT' then
        if new.role <> 'operator' then
            problem := format('only an acting admin creates a %s', new.role);
        end if;
    elsif old.id is distinct from core.acting_user() then
        problem := 'a staff member changes or deletes only their own account; an acting admin, anyone''s';
    elsif tg_op = 'UPDATE' and new.role is distinct from old.role then
        problem := 'only an acting admin changes a role';
    elsif tg_op = 'UPDATE' and new.is_active is distinct from old.is_active then
        problem := 'only an acting admin activates or deactivates an account';
    end if;
    if problem is not null then
        raise exception '% (%)', problem, coalesce('acting user ' || core.acting_user()::text, 'nobody acts')
            using errcode = 'insufficient_privilege', schema = 'ai_seo', table = 'users';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end;
$$;

comment on function ai_seo.guard_user_write() is
    'BEFORE INSERT/UPDATE/DELETE row trigger on users: under RLS rules only an acting admin gives roles, (de)activates, or writes another account.';

create trigger tg_users_guard_write before insert or update or delete on ai_seo.users
    for each row execute function ai_seo.guard_user_write();
