-- depends: 0144_deals_deal_scores_user_fill
--
-- deals: deal_scores' user_id is not null and is its deal's, as constraints NOT VALID: they hold
-- for every write from here on, and adding them scans nothing; 0146 validates them without
-- blocking writes. The foreign key holds the tenant on both sides (deals' unique index (id,
-- user_id), 0142); the id-only one goes in 0148.
alter table deals.deal_scores
    add constraint ck_deal_scores_user_id_not_null check (user_id is not null) not valid;
alter table deals.deal_scores
    add constraint fk_deal_scores_deal_id_user_id foreign key (deal_id, user_id)
        references deals.deals (id, user_id) on delete cascade not valid;
