-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0212 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_deal_id;
alter table deals.notifications add constraint fk_notifications_deal_id
    foreign key (deal_id) references deals.deal_ids (id) on delete set null not valid;
