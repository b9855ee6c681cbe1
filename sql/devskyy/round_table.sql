-- name: insert_round_table_result(result_id, prompt, task_category, winner_provider, winner_response, participants, metadata)<!
-- Save the result of an LLM round table.
insert into devskyy.llm_round_table_results (
    result_id, prompt, task_category, winner_provider, winner_response, participants, metadata
)
values (:result_id, :prompt, :task_category, :winner_provider, :winner_response, :participants, :metadata)
returning id, result_id, prompt, task_category, winner_provider, winner_response, participants, created_at,
          metadata;

-- name: get_round_table_result(result_id)^
-- The round-table result with this result id.
select id, result_id, prompt, task_category, winner_provider, winner_response, participants, created_at, metadata
from devskyy.llm_round_table_results
where result_id = :result_id;

-- name: round_table_stats(since, until)
-- Results per task category and winning provider in [since, until), with the provider's share of its category.
select task_category, winner_provider, count(*) as results,
       (count(*)::double precision / sum(count(*)) over (partition by task_category))::double precision as share
from devskyy.llm_round_table_results
where created_at >= :since
  and created_at < :until
group by task_category, winner_provider
order by task_category nulls last, results desc, winner_provider nulls last;
