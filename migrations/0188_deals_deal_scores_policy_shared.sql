-- depends: 0187_deals_deal_scores_shared_fill
--
-- deals: a deal's scores are readable by their deal's user, and by everyone when the deal is shared,
-- read from the score's own columns (user_id: the deal's user since 0142-0148; deal_shared: the
-- deal's flag since 0186-0187) instead of the deal through EXISTS, which Citus refuses in any policy
-- (issue 16, sql/deals/citus.toml). The same rows are visible as before. Catalog change only.
alter policy rls_deal_scores_select on deals.deal_scores
    using (user_id = core.acting_user() or deal_shared);
