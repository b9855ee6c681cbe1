-- name: insert_deal_activity(deal_id, user_id, agent_id, activity_type, description, meta_data)<!
-- Record something that happened to a deal, and who did it.
insert into deals.deal_activities (deal_id, user_id, agent_id, activity_type, description, meta_data, created_at)
values (:deal_id, :user_id, :agent_id, :activity_type, :description, :meta_data, clock_timestamp())
returning id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data;

-- name: list_deal_activities(deal_id, lim)
-- A deal's activities in the order they happened.
select id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data
from deals.deal_activities
where deal_id = :deal_id
order by created_at, id
limit :lim;
