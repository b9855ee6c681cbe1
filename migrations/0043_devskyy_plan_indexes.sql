-- depends: 0042_devskyy_product_facets
--
-- devskyy: indexes reshaped after the medium-scale plan checks (EXPLAIN ANALYZE, BUFFERS, custom and
-- generic plans) found three queries reading far more than they return.
--
-- * round_table_stats counts a week of results per task category and winner: the created_at index
--   found them, then every row's heap page was read (2,953 blocks for 30 groups). The index now
--   carries task_category and winner_provider, so the statistics are an index-only scan (~30 blocks).
-- * list_agent_executions (one agent's executions in a window, newest first, 50 at a time) walked the
--   created_at btree and discarded the other agents' rows: 1,100-1,750 per page of 50 with 30 agents,
--   and a rarely used agent's whole window in a generic plan, which cannot know how rare it is. The
--   agent index gains id, so it returns exactly the query's rows in its order (created_at desc,
--   id desc) and the scan stops at the page. The planner still preferred the created_at btree (an
--   append-only log makes its heap reads look sequential), so that index becomes a BRIN:
--   agent_execution_stats, which reads a day of every agent, finds the day's pages through it as
--   well as through the btree (~100 blocks at medium) since the log is appended in time order, at a
--   fraction of the size and write cost. Ranges of 8 pages: the day's two edge ranges discard a few
--   hundred rows. autosummarize: autovacuum summarises ranges as they fill, so fresh pages are not
--   read by every query until the next vacuum.
-- * ix_rag_documents_search_vector: fastupdate off. With the default pending list, every document
--   ingested since the last vacuum sat in an unsorted list (up to gin_pending_list_limit, 4 MB) that
--   every full-text search read in full on top of its matches. Ingesting now writes the GIN entries
--   directly (dearer writes, a document at a time); the list left from before is flushed here.
--
-- Plain CREATE and DROP INDEX in the migration's transaction (as 0022): CONCURRENTLY is not possible
-- on a partitioned table's parent, waits for a parallel migrator's open transaction, and here each
-- index is replaced atomically (no moment without one). The tables are locked until the commit: on
-- large live tables apply this in a maintenance window.

-- squawk-ignore require-concurrent-index-deletion
drop index devskyy.ix_llm_round_table_results_created_at;
create index ix_llm_round_table_results_created_at
    on devskyy.llm_round_table_results (created_at) include (task_category, winner_provider);

-- squawk-ignore require-concurrent-index-deletion
drop index devskyy.ix_agent_executions_agent_name_created_at;
create index ix_agent_executions_agent_name_created_at_id on devskyy.agent_executions (agent_name, created_at, id);
-- squawk-ignore require-concurrent-index-deletion
drop index devskyy.ix_agent_executions_created_at;
create index ix_agent_executions_created_at on devskyy.agent_executions
    using brin (created_at) with (pages_per_range = 8, autosummarize = on);

alter index devskyy.ix_rag_documents_search_vector set (fastupdate = off);
select gin_clean_pending_list('devskyy.ix_rag_documents_search_vector'::regclass);
