-- name: insert_notification(user_id, type, priority, title, message, goal_id, deal_id, action_url, channels, meta_data)<!
-- Create a pending notification for a user.
insert into deals.notifications (
    user_id, type, priority, title, message, goal_id, deal_id, action_url, channels, meta_data, created_at
)
values (
    :user_id, :type, :priority, :title, :message, :goal_id, :deal_id, :action_url, :channels, :meta_data,
    clock_timestamp()
)
returning id, user_id, type, priority, status, title, message, goal_id, deal_id, action_url, channels,
          sent_at, delivered_at, read_at, created_at, updated_at, meta_data;

-- name: list_unread_notifications(user_id, lim)
-- A user's unread notifications, newest first.
select id, user_id, type, priority, status, title, message, goal_id, deal_id, action_url, channels,
       sent_at, delivered_at, read_at, created_at, updated_at, meta_data
from deals.notifications
where user_id = :user_id
  and read_at is null
order by created_at desc, id desc
limit :lim;

-- name: count_unread_notifications(user_id)$
-- How many unread notifications a user has.
select count(*)
from deals.notifications
where user_id = :user_id
  and read_at is null;

-- name: mark_notifications_read(user_id, ids)!
-- Mark some of a user's notifications read (others' ids are ignored); returns how many changed.
update deals.notifications
set status = 'read',
    read_at = statement_timestamp()
where user_id = :user_id
  and id = any(:ids)
  and read_at is null;

-- name: mark_all_notifications_read(user_id)!
-- Mark every unread notification of a user read.
update deals.notifications
set status = 'read',
    read_at = statement_timestamp()
where user_id = :user_id
  and read_at is null;

-- name: mark_notifications_sent(ids)!
-- Mark pending notifications as sent.
update deals.notifications
set status = 'sent',
    sent_at = statement_timestamp()
where id = any(:ids)
  and status = 'pending';

-- name: mark_notifications_delivered(ids)!
-- Mark pending or sent notifications as delivered; read or failed ones are left alone.
update deals.notifications
set status = 'delivered',
    delivered_at = statement_timestamp(),
    sent_at = coalesce(sent_at, statement_timestamp())
where id = any(:ids)
  and status in ('pending', 'sent');

-- name: mark_notification_failed(id, error)<!
-- Mark a pending or sent notification failed, keeping the error in meta_data; delivered or read ones stay.
update deals.notifications
set status = 'failed',
    meta_data = meta_data || jsonb_build_object('error', :error::text)
where id = :id
  and status in ('pending', 'sent')
returning id, user_id, type, priority, status, title, message, goal_id, deal_id, action_url, channels,
          sent_at, delivered_at, read_at, created_at, updated_at, meta_data;

-- name: list_notifications(user_id, type, priority, lim)
-- A user's notifications, read ones too, newest first; type and priority filter when given.
-- The ids come from one branch per case, each behind a one-time filter on the parameter and read
-- from an index in the ORDER BY's order up to the limit, so the generic plan (which cannot tell
-- whether the filter is given) stops at the limit too; the rows are then fetched by primary key
-- (`= any(array(...))`: an index scan of pk in both plan modes, never a join the planner could
-- turn into a scan of the table; migration 0062). The type is compared as its text copy (0086:
-- under row-level security an enum comparison cannot be an index condition).
select id, user_id, type, priority, status, title, message, goal_id, deal_id, action_url, channels,
       sent_at, delivered_at, read_at, created_at, updated_at, meta_data
from deals.notifications
where id = any(array(
    (select id from deals.notifications
     where user_id = :user_id
       and :type::deals.notificationtype is null
       and (:priority::deals.notificationpriority is null or priority = :priority::deals.notificationpriority)
     order by created_at desc, id desc
     limit :lim)
    union all
    (select id from deals.notifications
     where user_id = :user_id
       and type_label = deals.label(:type::deals.notificationtype)
       and (:priority::deals.notificationpriority is null or priority = :priority::deals.notificationpriority)
     order by created_at desc, id desc
     limit :lim)
))
order by created_at desc, id desc
limit :lim;
