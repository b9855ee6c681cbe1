-- depends: 0033_ai_seo_user_task_counts
-- transactional: false
--
-- A user's live sessions (active and unexpired) counted from the index alone: the full view of a
-- user (analytics.user_overview) counted them through ix_user_sessions_user_id_created_at_active and
-- read every active session's heap page to check expires_at (at medium, ~47 pages for one user).
-- Built concurrently: user_sessions is live.
create index concurrently if not exists ix_user_sessions_user_id_expires_at_active
    on ai_seo.user_sessions (user_id, expires_at) where is_active;
