-- depends: 0212_deals_notification_deal_ids
--
-- deals: 0212's key of a notification to deal_ids checks the rows written before it. VALIDATE reads
-- notifications under SHARE UPDATE EXCLUSIVE, so they are written on meanwhile.
alter table deals.notifications validate constraint fk_notifications_deal_id;
