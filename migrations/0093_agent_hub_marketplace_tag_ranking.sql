-- depends: 0089_agent_hub_users_own_row
--
-- Marketplace search in rank order per tag, so its cost follows the page it returns, not the catalogue
-- (issue 18). A search asks for the listed entries carrying every given tag (and, by category, of one
-- category), best rated first. The GIN index on tags cannot give that order, and (category, rating)
-- reads a whole category in rank order when the asked tags are rare in it: at medium a category search
-- whose tag matched 29 entries read 383 blocks in its generic plan; at large a tag search read 948
-- blocks for 50 rows (the GIN bitmap fetches every entry carrying the tag, then sorts).
--
-- agent_hub.marketplace_entry_tags holds one row per (listed entry, string tag) with the entry's
-- category, tags, rating and download count, indexed in the searches' order per tag and per (tag,
-- category). A search reads the ranking of its rarest asked tag in order, checks the other asked tags
-- in the index itself (an index-only scan), stops at its limit, and only then fetches the page's
-- entries: it reads at most the listed entries of that one tag (of that category), and a tag nobody
-- carries reads nothing. The indexes include the entry's tags so that nothing is read from a table
-- before the limit: the ranking's rows of one tag lie on as many pages as there are rows (read from
-- the table, a rare pair of tags read 693 blocks for 49 rows at medium; from the index, 13), and an
-- entry joined first makes the planner hash-join every entry of the tag. An index row has a size
-- limit and an entry's tags have none: tags over 1,024 bytes are not copied (tags is null), and such
-- an entry's tags are checked on the entry itself, one primary-key probe each. (A tag string is an
-- index key: one over ~2,000 bytes, which only raw SQL can store past the API's 50 characters, cannot
-- be ranked, and its insert fails.)
--
-- The rarest tag is read from the ranking's own statistics (pg_stats' most common values of tag,
-- kept by ANALYZE), not from counters: a counter row per tag would make every publish, withdrawal and
-- account deletion wait on (and deadlock with) every other one sharing a popular tag. A tag outside
-- the most common values is rarer than those in it; ties go by name. The choice only steers the cost:
-- any asked tag's ranking holds every entry the search can return.
--
-- The ranking is derived and written only by agent_hub.sync_marketplace_ranking(), an AFTER trigger on
-- the entries, SECURITY DEFINER so it writes as the table's owner. Row-level security is enabled (not
-- forced: the owner writes) with a SELECT policy only, so the application and read-only roles read the
-- ranking and cannot write it: a forged rank would reorder every user's search. It holds only what
-- every user already reads: listed entries' tags, category, rating and downloads. pg_stats hides the
-- statistics of a table under row-level security from those roles, so marketplace_search_tag() reads
-- them as the owner (SECURITY DEFINER; it returns one of the tags it was given).

create table agent_hub.marketplace_entry_tags (
    entry_id uuid not null,
    tag text not null,
    category text not null,
    tags jsonb,
    rating double precision,
    download_count integer not null,
    constraint pk_marketplace_entry_tags primary key (entry_id, tag),
    constraint fk_marketplace_entry_tags_entry_id foreign key (entry_id)
        references agent_hub.marketplace_entries (id) on delete cascade
);

comment on table agent_hub.marketplace_entry_tags is
    'One row per listed marketplace entry and string tag, in search order per tag (and category); kept by agent_hub.sync_marketplace_ranking().';

create index ix_marketplace_entry_tags_rank
    on agent_hub.marketplace_entry_tags (tag, rating desc nulls last, download_count desc, entry_id)
    include (tags);
create index ix_marketplace_entry_tags_category_rank
    on agent_hub.marketplace_entry_tags (tag, category, rating desc nulls last, download_count desc, entry_id)
    include (tags);

comment on column agent_hub.marketplace_entry_tags.tags is
    'The entry''s tags when they take at most 1,024 bytes (they are in the indexes), else null: check them on the entry.';

-- A search with no tags reads the listed entries (of a category) in rank order.
create index ix_marketplace_entries_rank
    on agent_hub.marketplace_entries (rating desc nulls last, download_count desc, id) where listed;
create index ix_marketplace_entries_category_rank
    on agent_hub.marketplace_entries (category, rating desc nulls last, download_count desc, id) where listed;

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
        -- String tags only: a search asks for strings (the API's Tag), and @> never matches a string
        -- against another JSON type.
        insert into agent_hub.marketplace_entry_tags (entry_id, tag, category, tags, rating, download_count)
        select distinct new.id, t.value #>> '{}', new.category,
               case when pg_column_size(new.tags) <= 1024 then new.tags end, new.rating, new.download_count
          from jsonb_array_elements(new.tags) as t
         where jsonb_typeof(t.value) = 'string';
    end if;
    return null;
end;
$$;

comment on function agent_hub.sync_marketplace_ranking() is
    'AFTER INSERT/UPDATE/DELETE of a marketplace entry: its rows in marketplace_entry_tags follow (0093).';

create trigger tg_marketplace_entries_ranking
    after insert or update or delete on agent_hub.marketplace_entries
    for each row execute function agent_hub.sync_marketplace_ranking();

create function agent_hub.marketplace_search_tag(tags jsonb)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    -- The asked tag the fewest listed entries carry, by the ranking's statistics; null for no tags.
    select q.tag
      from jsonb_array_elements_text(tags) as q (tag)
      left join lateral (
          select m.freq
            from pg_catalog.pg_stats as s,
                 unnest(s.most_common_vals::text::text[], s.most_common_freqs) as m (value, freq)
           where s.schemaname = 'agent_hub' and s.tablename = 'marketplace_entry_tags'
             and s.attname = 'tag' and m.value = q.tag
      ) as common on true
     order by coalesce(common.freq, 0), q.tag
     limit 1
$$;

comment on function agent_hub.marketplace_search_tag(jsonb) is
    'The tag a marketplace search reads the ranking of: the rarest of the asked tags by pg_stats (0093).';

alter table agent_hub.marketplace_entry_tags enable row level security;
create policy rls_marketplace_entry_tags_select on agent_hub.marketplace_entry_tags for select using (true);

insert into agent_hub.marketplace_entry_tags (entry_id, tag, category, tags, rating, download_count)
select distinct e.id, t.value #>> '{}', e.category,
       case when pg_column_size(e.tags) <= 1024 then e.tags end, e.rating, e.download_count
  from agent_hub.marketplace_entries as e
 cross join lateral jsonb_array_elements(e.tags) as t
 where e.listed and jsonb_typeof(t.value) = 'string';

analyze agent_hub.marketplace_entry_tags;

select core.grant_domain_privileges('agent_hub');
-- A SECURITY DEFINER trigger function nobody but the owner may execute: EXECUTE is checked when a
-- trigger is created, so one the app could execute it could attach to a table of its own (0087).
revoke execute on function agent_hub.sync_marketplace_ranking() from public;
