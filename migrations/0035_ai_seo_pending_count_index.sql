-- depends: 0034_ai_seo_sessions_active_expiry
-- transactional: false
--
-- An agent's queue depth (tasks.count_pending_tasks) counted from a narrow index: the queue index
-- ix_agent_tasks_agent_id_pending carries (agent_id, priority, created_at, id) for claim order, and
-- counting an agent's pending tasks through it touched ~2,400 blocks for the busiest agent of the
-- medium dataset (5,161 pending). One column deduplicates into posting lists: the same count reads
-- ~8 blocks, index-only. Built concurrently: agent_tasks is live.
create index concurrently if not exists ix_agent_tasks_agent_id_pending_count
    on ai_seo.agent_tasks (agent_id) where status = 'pending';
