drop index deals.ix_notifications_user_id_type_label_created_at_id;
create index ix_notifications_user_id_type_created_at_id
    on deals.notifications (user_id, type, created_at, id);

alter table deals.notifications drop column type_label;

drop function deals.label(deals.notificationtype);
