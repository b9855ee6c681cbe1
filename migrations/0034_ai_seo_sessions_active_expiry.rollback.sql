-- transactional: false
drop index concurrently if exists ai_seo.ix_user_sessions_user_id_expires_at_active;
