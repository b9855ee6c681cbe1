alter policy rls_deal_scores_select on deals.deal_scores
    using (exists (select from deals.deals as d where d.id = deal_scores.deal_id));
