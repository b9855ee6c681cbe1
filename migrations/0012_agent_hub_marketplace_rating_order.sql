-- depends: 0010_agent_hub_schema
--
-- search_marketplace_by_tags returns the best-rated entries carrying some tags:
-- `where tags @> $1 order by rating desc nulls last, download_count desc, id limit $2`.
-- Without an index in that order the server reads every entry with the tag (GIN) or the whole table
-- (a sequential scan, which the plan check let through while the table stayed under 10k rows) and
-- sorts it to keep 50. With this index it can read entries best-rated first, check the tags on each
-- and stop at the 50th match: the rows read follow the limit, not the table.
--
-- A plain CREATE INDEX, in the migration's transaction: CREATE INDEX CONCURRENTLY waits for every
-- open transaction, including a second `sqlfirst migrate up` waiting for the migration lock, and
-- would time out on it. The table holds one row per published agent (thousands): the build takes
-- milliseconds.
create index ix_marketplace_entries_rating_download_count_id
    on agent_hub.marketplace_entries (rating desc nulls last, download_count desc, id);
