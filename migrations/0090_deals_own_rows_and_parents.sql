-- depends: 0086_deals_notification_type_label 0088_core_guard_own_row
--
-- Two ways around deals' tenant isolation, found by an adversarial review (issue 11):
--
-- * deals.users stays the readable tenant registry without row-level security, but an account is
--   changed or deleted only by its own user, acting (core.guard_own_row, 0088). Before, any acting
--   user could suspend another, or delete them and, through the cascades, their goals and deals.
--   The worker, the owner and the owner's SECURITY DEFINER token functions still may.
-- * A user's row could point at another user's private parent: the policies of chat_messages,
--   notifications, token_transactions and token_balance_history checked only the row's own user_id,
--   and a foreign key check does not see row-level security. So A could plant a message or a
--   pending token transaction on B's goal, a notification on B's private deal, and the error for an
--   unknown id (a foreign key violation) told a hidden id from a missing one. Each write check now
--   also requires the parent to be visible to the acting user (goals are the user's own; deals are
--   public or on the user's goals; a history row's transaction is the user's). A hidden parent and
--   a missing one fail alike, with the policy's insufficient_privilege: no oracle.

create trigger tg_users_guard_own_row before update or delete on deals.users
    for each row execute function core.guard_own_row('id');

alter policy rls_chat_messages_own on deals.chat_messages
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id)));

alter policy rls_notifications_own on deals.notifications
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id))
                and (deal_id is null or exists (select from deals.deals as d where d.id = deal_id)));

alter policy rls_token_transactions_own on deals.token_transactions
    with check (user_id = (select core.acting_user())
                and (goal_id is null or exists (select from deals.goals as g where g.id = goal_id)));

alter policy rls_token_balance_history_own on deals.token_balance_history
    with check (user_id = (select core.acting_user())
                and (transaction_id is null
                     or exists (select from deals.token_transactions as t where t.id = transaction_id)));
