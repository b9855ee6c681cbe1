alter index devskyy.ix_rag_documents_search_vector reset (fastupdate);

drop index devskyy.ix_agent_executions_created_at;
create index ix_agent_executions_created_at on devskyy.agent_executions (created_at);
drop index devskyy.ix_agent_executions_agent_name_created_at_id;
create index ix_agent_executions_agent_name_created_at on devskyy.agent_executions (agent_name, created_at);

drop index devskyy.ix_llm_round_table_results_created_at;
create index ix_llm_round_table_results_created_at on devskyy.llm_round_table_results (created_at);
