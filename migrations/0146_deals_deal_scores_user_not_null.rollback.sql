alter table deals.deal_scores alter column user_id drop not null;
alter table deals.deal_scores
    add constraint ck_deal_scores_user_id_not_null check (user_id is not null) not valid;
-- A validated foreign key cannot be made NOT VALID again: dropped and added as 0145 added it.
-- squawk-ignore ban-drop-constraint
alter table deals.deal_scores drop constraint fk_deal_scores_deal_id_user_id;
alter table deals.deal_scores
    add constraint fk_deal_scores_deal_id_user_id foreign key (deal_id, user_id)
        references deals.deals (id, user_id) on delete cascade not valid;
