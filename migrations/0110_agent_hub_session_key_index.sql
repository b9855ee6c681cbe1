-- depends: 0093_agent_hub_marketplace_tag_ranking
-- transactional: false
--
-- agent_hub: the index of sessions' tenant key (id, user_id), built without blocking writes; 0111
-- makes it a unique constraint, the target of session_messages' tenant-keeping foreign key (issue
-- 16, sql/agent_hub/citus.toml). id leads, so it does not compete with the primary key for lookups.
create unique index concurrently if not exists uq_sessions_id_user_id on agent_hub.sessions (id, user_id);
