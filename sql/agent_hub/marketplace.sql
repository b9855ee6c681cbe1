-- name: upsert_marketplace_entry(agent_id, category, tags, changelog)<!
-- Publish an agent, or republish it: category, tags and changelog are replaced, ratings and downloads kept.
insert into agent_hub.marketplace_entries (agent_id, category, tags, changelog)
values (:agent_id, :category, :tags, :changelog)
on conflict (agent_id) do update
set category = excluded.category,
    tags = excluded.tags,
    changelog = excluded.changelog,
    published_at = now()
returning id, agent_id, category, tags, rating, rating_count, download_count, changelog, published_at;

-- name: get_marketplace_entry_by_agent(agent_id)^
-- The marketplace entry of an agent.
select id, agent_id, category, tags, rating, rating_count, download_count, changelog, published_at
from agent_hub.marketplace_entries
where agent_id = :agent_id;

-- name: search_marketplace_by_category(category, tags, lim)
-- Entries of public agents (listed) in a category carrying all the given tags, best rated first.
-- Reads the category's ranking of the rarest asked tag in order, checks the other tags in the ranking's
-- index, stops at the limit and then fetches the page's entries (0093); with no tags, the category in
-- rank order.
select *
from ((select e.id, e.agent_id, e.category, e.tags, e.rating, e.rating_count, e.download_count, e.changelog, e.published_at
       from (select r.entry_id
               from agent_hub.marketplace_entry_tags as r
              where r.category = :category
                and r.tag = agent_hub.marketplace_search_tag(:tags)
                and (r.tags @> :tags
                     or (r.tags is null
                         and exists (select from agent_hub.marketplace_entries as long
                                     where long.id = r.entry_id and long.tags @> :tags)))
              order by r.rating desc nulls last, r.download_count desc, r.entry_id
              limit :lim) as page
       join agent_hub.marketplace_entries as e on e.id = page.entry_id
       where e.listed)
      union all
      (select e.id, e.agent_id, e.category, e.tags, e.rating, e.rating_count, e.download_count, e.changelog, e.published_at
       from agent_hub.marketplace_entries as e
       where jsonb_array_length(:tags) = 0
         and e.category = :category
         and e.listed
       order by e.rating desc nulls last, e.download_count desc, e.id
       limit :lim)) as found
order by rating desc nulls last, download_count desc, id
limit :lim;

-- name: search_marketplace_by_tags(tags, lim)
-- Entries of public agents (listed) of any category carrying all the given tags, best rated first.
-- Reads the ranking of the rarest asked tag in order, checks the other tags in the ranking's index,
-- stops at the limit and then fetches the page's entries (0093); with no tags, every listed entry in
-- rank order.
select *
from ((select e.id, e.agent_id, e.category, e.tags, e.rating, e.rating_count, e.download_count, e.changelog, e.published_at
       from (select r.entry_id
               from agent_hub.marketplace_entry_tags as r
              where r.tag = agent_hub.marketplace_search_tag(:tags)
                and (r.tags @> :tags
                     or (r.tags is null
                         and exists (select from agent_hub.marketplace_entries as long
                                     where long.id = r.entry_id and long.tags @> :tags)))
              order by r.rating desc nulls last, r.download_count desc, r.entry_id
              limit :lim) as page
       join agent_hub.marketplace_entries as e on e.id = page.entry_id
       where e.listed)
      union all
      (select e.id, e.agent_id, e.category, e.tags, e.rating, e.rating_count, e.download_count, e.changelog, e.published_at
       from agent_hub.marketplace_entries as e
       where jsonb_array_length(:tags) = 0
         and e.listed
       order by e.rating desc nulls last, e.download_count desc, e.id
       limit :lim)) as found
order by rating desc nulls last, download_count desc, id
limit :lim;

-- name: increment_download_count(agent_id)<!
-- Count one download atomically; returns the new count.
update agent_hub.marketplace_entries
set download_count = download_count + 1
where agent_id = :agent_id
returning download_count;

-- name: rate_marketplace_entry(agent_id, score)<!
-- Fold one rating into the running average atomically.
update agent_hub.marketplace_entries
set rating = (coalesce(rating, 0) * rating_count + :score) / (rating_count + 1),
    rating_count = rating_count + 1
where agent_id = :agent_id
returning id, agent_id, category, tags, rating, rating_count, download_count, changelog, published_at;

-- name: delete_marketplace_entry(agent_id)!
-- Withdraw an agent from the marketplace.
delete from agent_hub.marketplace_entries
where agent_id = :agent_id;

-- name: list_marketplace_versions(agent_id, lim)
-- Every published version of an agent's marketplace entry, newest first.
select v.version, v.category, v.tags, v.changelog, v.published_at
from agent_hub.marketplace_entries as e
join agent_hub.marketplace_versions as v on v.entry_id = e.id
where e.agent_id = :agent_id
order by v.version desc
limit :lim;
