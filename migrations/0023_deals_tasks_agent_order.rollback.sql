-- transactional: false
drop index concurrently deals.ix_tasks_agent_id_status_priority_due_date_created_at_id;
