alter policy rls_notifications_own on deals.notifications
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user()
                and (deal_id is null or exists (select from deals.deals as d where d.id = deal_id)));
drop trigger tg_notifications_deal on deals.notifications;
drop function deals.check_notification_deal();
alter table deals.notifications drop constraint fk_notifications_deal_id;
alter table deals.notifications add constraint fk_notifications_deal_id
    foreign key (deal_id) references deals.deals (id) on delete set null;
