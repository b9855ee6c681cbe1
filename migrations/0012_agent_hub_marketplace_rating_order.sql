-- depends: 0010_agent_hub_schema
-- transactional: false
--
-- search_marketplace_by_tags returns the best-rated entries carrying some tags:
-- `where tags @> $1 order by rating desc nulls last, download_count desc, id limit $2`.
-- Without an index in that order the server reads every entry with the tag (GIN) or the whole table
-- (a sequential scan, which the plan check let through while the table stayed under 10k rows) and
-- sorts it to keep 50. With this index it reads entries best-rated first, checks the tags on each
-- and stops at the 50th match: the rows read grow with the limit, not with the table.
-- CONCURRENTLY: the table is live; the build must not block writes.
create index concurrently ix_marketplace_entries_rating_download_count_id
    on agent_hub.marketplace_entries (rating desc nulls last, download_count desc, id);
