-- name: insert_deal_activity(deal_id, user_id, agent_id, activity_type, description, meta_data)<!
-- Record something that happened to a deal, and who did it.
-- deal_user_id is the deal's user (Citus' tenant, 0163-0168), read from deals in the statement.
insert into deals.deal_activities
    (deal_user_id, deal_id, user_id, agent_id, activity_type, description, meta_data, created_at)
values (
    (select d.user_id from deals.deals as d where d.id = :deal_id), :deal_id, :user_id, :agent_id, :activity_type,
    :description, :meta_data, clock_timestamp()
)
returning id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data;

-- name: list_deal_activities(deal_id, lim)
-- A deal's activities in the order they happened.
select id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data
from deals.deal_activities
where deal_id = :deal_id
order by created_at, id
limit :lim;

-- name: list_deal_activities_by_user(user_id, activity_type, lim)
-- What a user did to deals, newest first; one activity type when given.
-- The ids come from one branch per case, each behind a one-time filter on the parameter and read
-- from an index in the ORDER BY's order up to the limit, so the generic plan (which cannot tell
-- whether the filter is given) stops at the limit too; the rows are then fetched by primary key
-- (`= any(array(...))`: an index scan of pk in both plan modes, never a join the planner could
-- turn into a scan of the table; migration 0062).
select id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data
from deals.deal_activities
where id = any(array(
    (select id from deals.deal_activities
     where user_id = :user_id
       and :activity_type::deals.dealactivitytype is null
     order by created_at desc, id desc
     limit :lim)
    union all
    (select id from deals.deal_activities
     where user_id = :user_id
       and activity_type_label = deals.label(:activity_type::deals.dealactivitytype)  -- leakproof (0082)
     order by created_at desc, id desc
     limit :lim)
))
order by created_at desc, id desc
limit :lim;

-- name: list_deal_activities_by_agent(agent_id, activity_type, lim)
-- What an agent did to deals, newest first; one activity type when given.
-- The ids come from one branch per case, each behind a one-time filter on the parameter and read
-- from an index in the ORDER BY's order up to the limit, so the generic plan (which cannot tell
-- whether the filter is given) stops at the limit too; the rows are then fetched by primary key
-- (`= any(array(...))`: an index scan of pk in both plan modes, never a join the planner could
-- turn into a scan of the table; migration 0062).
select id, deal_id, user_id, agent_id, activity_type, description, created_at, meta_data
from deals.deal_activities
where id = any(array(
    (select id from deals.deal_activities
     where agent_id = :agent_id
       and :activity_type::deals.dealactivitytype is null
     order by created_at desc, id desc
     limit :lim)
    union all
    (select id from deals.deal_activities
     where agent_id = :agent_id
       and activity_type = :activity_type::deals.dealactivitytype
     order by created_at desc, id desc
     limit :lim)
))
order by created_at desc, id desc
limit :lim;
