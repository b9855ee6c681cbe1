-- name: insert_campaign(client_id, name, campaign_type, status, start_date, end_date, budget, objectives, config)<!
-- Create a campaign for a client.
insert into ai_seo.campaigns (
    client_id, name, campaign_type, status, start_date, end_date, budget, objectives, config
)
values (
    :client_id, :name, :campaign_type, :status, :start_date, :end_date, :budget, :objectives, :config
)
returning id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
          created_at, updated_at, config;

-- name: get_campaign_by_id(id)^
-- The campaign with this id.
select id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
       created_at, updated_at, config
from ai_seo.campaigns
where id = :id;

-- name: update_campaign(id, name, campaign_type, start_date, end_date, budget, objectives, config)<!
-- Replace a campaign's fields (its status changes only through set_campaign_status).
update ai_seo.campaigns
set name = :name,
    campaign_type = :campaign_type,
    start_date = :start_date,
    end_date = :end_date,
    budget = :budget,
    objectives = :objectives,
    config = :config
where id = :id
returning id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
          created_at, updated_at, config;

-- name: set_campaign_status(id, status)<!
-- Move a campaign along its workflow; the database refuses illegal transitions (SF032).
update ai_seo.campaigns
set status = :status
where id = :id
returning id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
          created_at, updated_at, config;

-- name: list_client_campaigns(client_id, lim)
-- A client's campaigns, newest first.
select id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
       created_at, updated_at, config
from ai_seo.campaigns
where client_id = :client_id
order by created_at desc, id desc
limit :lim;

-- name: search_campaigns(status, objectives, before_created_at, before_id, lim)
-- A page of campaigns of a status pursuing every given objective, newest first, before a cursor.
select id, client_id, name, campaign_type, status, start_date, end_date, budget, objectives,
       created_at, updated_at, config
from ai_seo.campaigns
where status = :status
  and objectives @> :objectives
  and (created_at, id) < (:before_created_at, :before_id)
order by created_at desc, id desc
limit :lim;

-- name: delete_campaign(id)!
-- Delete a campaign that has no tasks (tasks restrict it; cancel or complete it instead).
delete from ai_seo.campaigns
where id = :id;
