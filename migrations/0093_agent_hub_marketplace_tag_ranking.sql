-- depends: 0089_agent_hub_users_own_row
--
-- Marketplace search in rank order per tag, so its cost follows the page it returns, not the catalogue
-- (issue 18). A search asks for the listed entries carrying every given tag (and, by category, of one
-- category), best rated first. The GIN index on tags cannot give that order, and (category, rating)
-- reads a whole category in rank order when the asked tags are rare in it: at medium a category search
-- whose tag matched 29 entries read 383 blocks in its generic plan; at large a tag search read 948
-- blocks for 50 rows (the GIN bitmap fetches every entry carrying the tag, then sorts).
--
-- agent_hub.marketplace_entry_tags holds one row per (listed entry, tag) with the entry's category,
-- tags, rating and download count, indexed in the searches' order per tag and per (tag, category). A
-- search reads the ranking of its rarest asked tag (agent_hub.marketplace_tags counts the listed
-- entries per tag) in order, checks the other asked tags on the ranking row itself, stops at its
-- limit, and only then fetches the page's entries: it reads at most the listed entries of that one tag
-- (of that category), and a tag nobody carries reads nothing. The row carries the entry's whole tags
-- so that no entry is fetched before the limit: joined first, the planner hash-joins every entry of
-- the tag (it cannot know the limit stops early).
--
-- Both tables are derived and written only by agent_hub.sync_marketplace_ranking(), an AFTER trigger
-- on the entries, SECURITY DEFINER so it writes as the tables' owner. Row-level security is enabled
-- (not forced: the owner writes) with a SELECT policy only, so the application and read-only roles
-- read them and cannot write them: a forged rank or count would reorder every user's search. They
-- hold only what every user already reads: listed entries' tags, category, rating and downloads.
-- Counts are changed in tag order in one statement, so two publishes sharing tags cannot deadlock.
-- (No CHECK (entries >= 0) on the counts: the statement proposes a tag's delta as the row to insert,
-- -1 for a tag an entry leaves, and PostgreSQL checks the proposed row before it finds the conflict.)

create table agent_hub.marketplace_tags (
    tag text not null,
    entries integer not null default 0,
    constraint pk_marketplace_tags primary key (tag)
);

comment on table agent_hub.marketplace_tags is
    'Listed marketplace entries per tag, kept by agent_hub.sync_marketplace_ranking(): a search reads its rarest tag''s ranking.';

create table agent_hub.marketplace_entry_tags (
    entry_id uuid not null,
    tag text not null,
    category text not null,
    tags jsonb not null,
    rating double precision,
    download_count integer not null,
    constraint pk_marketplace_entry_tags primary key (entry_id, tag),
    constraint fk_marketplace_entry_tags_entry_id foreign key (entry_id)
        references agent_hub.marketplace_entries (id) on delete cascade
);

comment on table agent_hub.marketplace_entry_tags is
    'One row per listed marketplace entry and tag, in search order per tag (and category); kept by agent_hub.sync_marketplace_ranking().';

-- The rankings carry the entry's tags, so a search checks the other asked tags in the index alone.
create index ix_marketplace_entry_tags_rank
    on agent_hub.marketplace_entry_tags (tag, rating desc nulls last, download_count desc, entry_id)
    include (tags);
create index ix_marketplace_entry_tags_category_rank
    on agent_hub.marketplace_entry_tags (tag, category, rating desc nulls last, download_count desc, entry_id)
    include (tags);

-- A search with no tags reads every listed entry in rank order.
create index ix_marketplace_entries_rank
    on agent_hub.marketplace_entries (rating desc nulls last, download_count desc, id) where listed;

create function agent_hub.sync_marketplace_ranking()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    was_ranked boolean := tg_op <> 'INSERT' and old.listed;
    is_ranked boolean := tg_op <> 'DELETE' and new.listed;
begin
    if was_ranked and is_ranked
       and new.id = old.id and new.tags = old.tags and new.category = old.category then
        -- A download or a rating: the entry keeps its tags, only its place in their rankings moves.
        if (new.rating, new.download_count) is distinct from (old.rating, old.download_count) then
            update agent_hub.marketplace_entry_tags
               set rating = new.rating, download_count = new.download_count
             where entry_id = new.id;
        end if;
        return null;
    end if;
    if was_ranked then
        delete from agent_hub.marketplace_entry_tags where entry_id = old.id;
    end if;
    if is_ranked then
        insert into agent_hub.marketplace_entry_tags (entry_id, tag, category, tags, rating, download_count)
        select distinct new.id, t.tag, new.category, new.tags, new.rating, new.download_count
          from jsonb_array_elements_text(new.tags) as t (tag);
    end if;
    -- One statement, in tag order: the counts' row locks are always taken in the same order.
    insert into agent_hub.marketplace_tags as c (tag, entries)
    select d.tag, sum(d.delta)::integer
      from (select t.tag, -1 as delta
              from (select distinct jsonb_array_elements_text(old.tags) as tag where was_ranked) as t
            union all
            select t.tag, 1
              from (select distinct jsonb_array_elements_text(new.tags) as tag where is_ranked) as t) as d
     group by d.tag
    having sum(d.delta) <> 0
     order by d.tag
    on conflict (tag) do update set entries = c.entries + excluded.entries;
    return null;
end;
$$;

comment on function agent_hub.sync_marketplace_ranking() is
    'AFTER INSERT/UPDATE/DELETE of a marketplace entry: its rows in marketplace_entry_tags and the tag counts follow (0093).';

create trigger tg_marketplace_entries_ranking
    after insert or update or delete on agent_hub.marketplace_entries
    for each row execute function agent_hub.sync_marketplace_ranking();

create function agent_hub.reset_marketplace_tags()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- TRUNCATE ... CASCADE empties the ranking through its foreign key; the counts follow here.
    delete from agent_hub.marketplace_tags;
    return null;
end;
$$;

comment on function agent_hub.reset_marketplace_tags() is
    'AFTER TRUNCATE of the marketplace entries: no tag is carried any more (0093).';

create trigger tg_marketplace_entries_ranking_truncate
    after truncate on agent_hub.marketplace_entries
    for each statement execute function agent_hub.reset_marketplace_tags();

create function agent_hub.marketplace_search_tag(tags jsonb)
returns text
language sql
stable
parallel safe
as $$
    -- The asked tag fewest listed entries carry (none, for a tag nobody carries); null for no tags.
    select q.tag
      from jsonb_array_elements_text(tags) as q (tag)
      left join agent_hub.marketplace_tags as c on c.tag = q.tag
     order by coalesce(c.entries, 0), q.tag
     limit 1
$$;

comment on function agent_hub.marketplace_search_tag(jsonb) is
    'The tag a marketplace search reads the ranking of: the rarest of the asked tags (0093).';

alter table agent_hub.marketplace_tags enable row level security;
create policy rls_marketplace_tags_select on agent_hub.marketplace_tags for select using (true);
alter table agent_hub.marketplace_entry_tags enable row level security;
create policy rls_marketplace_entry_tags_select on agent_hub.marketplace_entry_tags for select using (true);

insert into agent_hub.marketplace_entry_tags (entry_id, tag, category, tags, rating, download_count)
select distinct e.id, t.tag, e.category, e.tags, e.rating, e.download_count
  from agent_hub.marketplace_entries as e
 cross join lateral jsonb_array_elements_text(e.tags) as t (tag)
 where e.listed;

insert into agent_hub.marketplace_tags (tag, entries)
select tag, count(*) from agent_hub.marketplace_entry_tags group by tag;

select core.grant_domain_privileges('agent_hub');
-- A SECURITY DEFINER trigger function nobody but the owner may execute: EXECUTE is checked when a
-- trigger is created, so one the app could execute it could attach to a table of its own (0087).
revoke execute on function agent_hub.sync_marketplace_ranking() from public;
revoke execute on function agent_hub.reset_marketplace_tags() from public;
