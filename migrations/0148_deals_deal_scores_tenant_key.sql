-- depends: 0147_deals_deal_scores_key_index
--
-- deals: deal scores are keyed (id, user_id) on 0147's index (renamed pk_deal_scores), and the
-- id-only foreign key to the deal goes: 0145's, which holds the same rule with the tenant on both
-- sides, takes its name (an error still names fk_deal_scores_deal_id). Nothing points at a score,
-- so this is catalog changes only: the locks last an instant. A score's id stays unique by being a
-- uuid the server draws.
--
-- Row-level security finds the scores a user may change or delete by the row's own user; reading
-- keeps 0078's policy (a shared deal's scores are as public as the deal), and what a user writes
-- is still checked against the deal's goal.
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint fk_deal_scores_deal_id;
-- squawk-ignore renaming-object
alter table deals.deal_scores rename constraint fk_deal_scores_deal_id_user_id to fk_deal_scores_deal_id;
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint pk_deal_scores;
alter table deals.deal_scores add constraint pk_deal_scores primary key using index pk_deal_scores_id_user_id;
alter policy rls_deal_scores_update on deals.deal_scores
    using (user_id = (select core.acting_user()));
alter policy rls_deal_scores_delete on deals.deal_scores
    using (user_id = (select core.acting_user()));
