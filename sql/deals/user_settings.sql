-- name: upsert_user_settings(user_id, notification_preferences, ui_preferences, agent_preferences)<!
-- Create or replace a user's settings (one row per user).
insert into deals.user_settings (user_id, notification_preferences, ui_preferences, agent_preferences)
values (:user_id, :notification_preferences, :ui_preferences, :agent_preferences)
on conflict (user_id) do update
set notification_preferences = excluded.notification_preferences,
    ui_preferences = excluded.ui_preferences,
    agent_preferences = excluded.agent_preferences
returning id, user_id, notification_preferences, ui_preferences, agent_preferences, created_at, updated_at;

-- name: get_user_settings(user_id)^
-- A user's settings.
select id, user_id, notification_preferences, ui_preferences, agent_preferences, created_at, updated_at
from deals.user_settings
where user_id = :user_id;
