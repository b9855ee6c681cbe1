-- depends: 0142_deals_deals_tenant_key_index
--
-- deals: a deal's scores carry the deal's user (issue 16, sql/deals/citus.toml), as deals carry
-- their goal's since 0128-0133: Citus distributes them by user_id beside deals, so the column, the
-- key and the foreign key to the deal must hold it (0144-0148).
--
-- * deal_scores.user_id, nullable for now (0144 fills the existing rows, 0145-0146 make it NOT
--   NULL): adding a nullable column without a default rewrites nothing.
-- * insert_deal_score writes it (its deal's user). A writer that does not name it (a COPY, an ORM)
--   gets its deal's from tg_deal_scores_user (0129's function), on one server.
-- * An unknown deal fails as the foreign key would, naming it (fk_deal_scores_deal_id). Under
--   row-level security the trigger sees the deals the acting user may read: a shared deal of another
--   user gives that user, and the insert policy refuses the row (the deal's goal is not the acting
--   user's), as it refuses a private deal of another user or an unknown one (user_id left null).
alter table deals.deal_scores add column user_id uuid;

create trigger tg_deal_scores_user
    before insert on deals.deal_scores
    for each row when (new.user_id is null)
    execute function deals.fill_parent_user('deals', 'deal_id', 'fk_deal_scores_deal_id');
