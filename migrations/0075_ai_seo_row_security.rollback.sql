revoke execute on function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet)
    from sqlfirst_app, sqlfirst_worker;
grant execute on function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet) to public;
alter function ai_seo.rotate_refresh_token(uuid, text, text, timestamptz, text, inet)
    security invoker
    reset search_path;
revoke execute on function ai_seo.use_refresh_token(uuid, text) from sqlfirst_app, sqlfirst_worker;
revoke execute on function ai_seo.login_password_hash(text) from sqlfirst_app, sqlfirst_worker;
drop function ai_seo.use_refresh_token(uuid, text);
drop function ai_seo.login_password_hash(text);
delete from core.secret_columns where schema_name = 'ai_seo' and table_name in ('users', 'user_sessions');
grant select on ai_seo.users, ai_seo.user_sessions to sqlfirst_app, sqlfirst_readonly, sqlfirst_worker;

drop policy rls_user_sessions_delete on ai_seo.user_sessions;
drop policy rls_user_sessions_update on ai_seo.user_sessions;
drop policy rls_user_sessions_insert on ai_seo.user_sessions;
drop policy rls_user_sessions_select on ai_seo.user_sessions;
alter table ai_seo.user_sessions no force row level security;
alter table ai_seo.user_sessions disable row level security;

drop function ai_seo.acting_user_is_admin();
