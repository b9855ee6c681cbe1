"""deals at scale: generator, one workload per named query, the token_deduction contest, concurrency mix.

Medium sizes (seed 002's service after half a year of use): 100k users (a third referred by another,
60% with a wallet), 20 markets, 200 agents, 200k goals, 500k deals, ~2M price points over the six
months before ``ANCHOR`` (six monthly partitions of ``price_tracking``), 1M notifications, 500k chat
messages, 200k auth tokens, ~450k token operations (a transaction and a history row each), tasks,
scores and activities. Activity is skewed like real traffic: a few users own many goals, get many
notifications and talk a lot; a few goals collect many deals.

Loading: ``before_load`` creates the monthly partitions the price history falls in with core's own
maintenance (``core.run_partition_maintenance``: one marker row per month lands in the DEFAULT
partition, maintenance gives each month its partition, the markers are deleted), so the rows are
COPied straight into their partitions and ``get_price_history`` prunes. The COPY then runs with
``session_replication_role = replica``: no trigger fires, so the price history is loaded as generated
(not one trigger-made row per deal at load time), and the derived counters the triggers keep
(``users.active_goals_count``, ``users.total_deals_found``, ``goals.total_matches_found``, balances
and token totals against the token history) are computed by the generator, consistent with the rows.
Foreign keys are not re-checked during the COPY either (the generator only references rows it made);
everything the workloads do afterwards runs with every trigger and constraint on.

The package, by job: ``world`` (sizes and the shared draws of the generator), ``rows_deals`` and
``rows_accounts`` (one row generator per table), ``load`` (``tables`` and the load hooks),
``samples`` (keys drawn from the loaded data), ``params`` and ``prepare`` (workload parameters and
their untimed setup), ``queries`` (the workloads), ``contests`` (side by side and hot rows) and
``cleanup``. This module assembles ``BENCH``.
"""

from __future__ import annotations

from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE
from sqlfirst.bench.registry import DomainBench, as_worker

from ...orm_deals import setup as orm_setup
from .cleanup import cleanup
from .contests import CONTESTS, HOT_ROWS
from .load import after_load, before_load, tables
from .queries import QUERIES
from .samples import sample
from .world import ANCHOR, HISTORY_START, _email, _referral, _wallet

__all__ = ["ANCHOR", "BENCH", "HISTORY_START", "_email", "_referral", "_wallet", "tables"]


DEAL_OWNER = "select g.user_id from deals.deals d join deals.goals g on g.id = d.goal_id where d.id = $1"
"""Who owns a deal: its goal's user (a deal found on a public market, with no goal, is nobody's)."""
TASK_OWNER = "select g.user_id from deals.tasks t join deals.goals g on g.id = t.goal_id where t.id = $1"

WORKER_QUERIES = {
    # maintenance and the goal-checking queue: every user's rows
    "delete_expired_auth_tokens",
    "expire_stale_deals",
    "expire_stale_goals",
    "claim_due_goals",
    # the matcher and the agents' views span users' goals
    "find_goals_matching_deal",
    "list_deal_activities_by_agent",
    "list_tasks_for_agent",
    # the notification sender, and the market sync worker's credentials
    "mark_notifications_sent",
    "mark_notifications_delivered",
    "mark_notification_failed",
    "get_market_api_key",
}
"""Queries the product runs as its worker role (sqlfirst.bench.callers)."""


BENCH = DomainBench(
    domain="deals",
    # 2: the snapshot of every table that cleanup gives back
    # 3: deals and tasks carry their goal's user_id (0128-0133)
    # 4: task activities carry their task's user_id (0134-0141)
    # 5: deal scores carry their deal's user_id (0142-0148)
    # 6: the hash indexes of auth tokens and tx_hashes, written by after_load (0157-0162)
    # 7: deal activities carry their deal's user in deal_user_id (0163-0168)
    # 8: deal scores carry their deal's shared flag (0186-0188), loaded without the trigger that sets it
    # 9: price points carry their deal's user_id and shared flag (0214-0217); deal_ids is filled by
    #    after_load (0210)
    version=9,
    tables=tables,
    sample=sample,
    queries=as_worker(QUERIES, WORKER_QUERIES),
    contests=CONTESTS,
    mix={
        "get_user_by_id": 10,
        "get_deal_by_id": 10,
        "search_deals": 15,
        "list_unread_notifications": 10,
        "count_unread_notifications": 10,
        "get_price_history": 10,
        "list_deals_for_goal": 10,
        "deduct_tokens": 5,
        "get_active_auth_token_by_hash": 10,
        "insert_chat_message": 5,
        "update_deal_price": 5,
    },
    orm_setup=orm_setup,
    cleanup=cleanup,
    before_load=before_load,
    after_load=after_load,
    hot_rows=HOT_ROWS,
    app_role=APP_ROLE,
    worker_role=WORKER_ROLE,
    owners={
        "users.id": "select $1::uuid",  # an account is changed by its own user (core.guard_own_row)
        "goal_id": "select user_id from deals.goals where id = $1",
        "goals.id": "select user_id from deals.goals where id = $1",
        "deal_id": DEAL_OWNER,
        "deals.id": DEAL_OWNER,
        "deal_scores.id": (
            "select g.user_id from deals.deal_scores s join deals.deals d on d.id = s.deal_id"
            " join deals.goals g on g.id = d.goal_id where s.id = $1"
        ),
        "task_id": TASK_OWNER,
        "tasks.id": TASK_OWNER,
        "auth_tokens.id": "select user_id from deals.auth_tokens where id = $1",
        "tokens.id": "select user_id from deals.token_transactions where id = $1",
        "tokens.tx_hash": "select user_id from deals.token_transactions where tx_hash = $1",
    },
)
