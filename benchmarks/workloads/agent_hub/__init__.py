"""agent_hub at scale: generator, one workload per named query, side-by-side contests, concurrency mix.

Medium sizes (seed 004's service with a year of use): 100k users, 20k agents (a quarter public and
published), 200k sessions, ~2M events. Sessions are skewed like real chat traffic: one in ten is a
long conversation of 50-70 events and as many messages, the rest have 0-8 events and 2-8 messages.
The sessions' message histories become agent_hub.session_messages rows by the database's own
trigger as they are copied in (about 2M at medium).

The package, by job: ``load`` (sizes and the generator), ``samples`` (keys drawn from the loaded
data), ``prepare`` (the untimed setup of writes), ``queries`` (the workloads), ``contests`` (side by
side and batching) and ``cleanup``. This module assembles ``BENCH``.
"""

from __future__ import annotations

from sqlfirst.bench.registry import DomainBench

from ...orm_agent_hub import setup as orm_setup
from .cleanup import cleanup
from .contests import BATCHES, CONTESTS
from .load import after_load, tables
from .queries import QUERIES
from .samples import sample

__all__ = ["BENCH", "cleanup"]

BENCH = DomainBench(
    domain="agent_hub",
    tables=tables,
    sample=sample,
    queries=QUERIES,
    contests=CONTESTS,
    mix={
        "get_user_by_id": 20,
        "get_session_by_id": 15,
        "list_session_events": 25,
        "list_sessions_for_user": 10,
        "append_event": 15,
        "append_session_messages": 5,
        "get_agent_by_id": 5,
        "search_marketplace_by_category": 5,
    },
    orm_setup=orm_setup,
    cleanup=cleanup,
    version=2,  # 2: long sessions have long histories; the histories fill session_messages
    after_load=after_load,
    batches=BATCHES,
)
