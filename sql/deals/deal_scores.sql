-- name: insert_deal_score(deal_id, score_type, value, confidence, meta_data)<!
-- Score a deal (0-100) with a confidence (0-100).
insert into deals.deal_scores (user_id, deal_id, score_type, value, confidence, meta_data, created_at)
values (
    (select d.user_id from deals.deals as d where d.id = :deal_id), :deal_id, :score_type, :value, :confidence,
    :meta_data, clock_timestamp()
)
returning id, deal_id, score_type, value, confidence, created_at, updated_at, meta_data;

-- name: list_deal_scores(deal_id)
-- A deal's scores, newest first.
select id, deal_id, score_type, value, confidence, created_at, updated_at, meta_data
from deals.deal_scores
where deal_id = :deal_id
order by created_at desc, id desc;

-- name: update_deal_score(id, value, confidence)<!
-- Revise a score.
update deals.deal_scores
set value = :value,
    confidence = :confidence
where id = :id
returning id, deal_id, score_type, value, confidence, created_at, updated_at, meta_data;

-- name: delete_deal_score(id)!
-- Delete a score.
delete from deals.deal_scores
where id = :id;

-- name: list_deal_scores_by_type(deal_id, score_type)
-- A deal's scores of one type, newest first.
select id, deal_id, score_type, value, confidence, created_at, updated_at, meta_data
from deals.deal_scores
where deal_id = :deal_id
  and score_type = :score_type
order by created_at desc, id desc;
