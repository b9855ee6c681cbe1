-- depends: 0211_deals_deal_ids_fill
--
-- deals: a notification's deal is found through deal_ids (0210), a reference table under Citus, so
-- neither its key nor its policy crosses tenants (issue 16, sql/deals/citus.toml). Both still hold
-- what they held since 0090: a notification may point at its user's own deal or at a shared one,
-- and a deal that goes leaves its notifications with deal_id null.
--
-- * fk_notifications_deal_id now points at deal_ids (id), ON DELETE SET NULL as before; a deal's
--   delete removes its entry, which sets the deal_id of its notifications null. Added NOT VALID (a
--   lock of an instant); 0213 validates it without blocking writes.
-- * rls_notifications_own no longer reads the deal through EXISTS (refused by Citus in any policy):
--   tg_notifications_deal checks it before an insert or an update of deal_id or user_id, reading
--   deal_ids as the caller, and refuses a deal that is neither the notification user's nor shared
--   with insufficient_privilege, as the policy did: under row-level security a hidden deal and a
--   missing one fail alike. It holds for every writer now, the owner and the worker included (the
--   policy did not apply to them), so no notification written from now on shows a user another's
--   private deal (one such role wrote before this stays as it was); for them an unknown deal is
--   left to the key, which names itself.
--
-- Catalog changes only. The locks are taken first, in the order a deal's delete takes them (deals,
-- then notifications for the SET NULL), so this cannot deadlock with one.
lock table deals.deals, deals.notifications in access exclusive mode;

-- Replaced below, in this same transaction, by a key that refuses no less.
-- squawk-ignore ban-drop-constraint
alter table deals.notifications drop constraint fk_notifications_deal_id;
alter table deals.notifications add constraint fk_notifications_deal_id
    foreign key (deal_id) references deals.deal_ids (id) on delete set null not valid;

create function deals.check_notification_deal()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    -- Read as the caller: under row-level security deal_ids shows the caller's own entries and the
    -- shared ones only, so a hidden deal and a missing one fail alike, as they did in the policy.
    if not exists (select from deals.deal_ids as i
                   where i.id = new.deal_id and (i.shared or i.user_id = new.user_id))
       and (row_security_active('deals.notifications')
            or exists (select from deals.deal_ids as i where i.id = new.deal_id)) then
        raise exception 'new row violates row-level security policy for table "notifications"'
            using errcode = 'insufficient_privilege',
                  detail = format('deal %s is neither the notification''s user''s nor shared', new.deal_id),
                  schema = 'deals',
                  table = 'notifications';
    end if;
    return new;  -- a deal no one has, written by a role row-level security does not apply to: the key names itself
end;
$$;
comment on function deals.check_notification_deal() is
    'BEFORE INSERT/UPDATE row trigger on notifications: its deal is its user''s own or a shared one (what rls_notifications_own checked until 0212).';
create trigger tg_notifications_deal
    before insert or update of deal_id, user_id on deals.notifications
    for each row when (new.deal_id is not null) execute function deals.check_notification_deal();

alter policy rls_notifications_own on deals.notifications
    using (user_id = core.acting_user())
    with check (user_id = core.acting_user());
