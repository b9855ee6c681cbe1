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

from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE
from sqlfirst.bench.registry import DomainBench, as_worker

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
    # the sessions of an agent span its users: only a worker (or the agent's operator) lists them all
    queries=as_worker(QUERIES, {"list_sessions_for_agent"}),
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
    # 2: long sessions have long histories; the histories fill session_messages. 3: a private agent's
    # sessions are its owner's (row-level security allows no other)
    version=6,  # 4: snapshots for cleanup; 5: events carry user_id; 6: sessions keyed (id, user_id)
    after_load=after_load,
    batches=BATCHES,
    app_role=APP_ROLE,
    worker_role=WORKER_ROLE,
    owners={
        "users.id": "select $1::uuid",  # an account is changed by its own user (core.guard_own_row)
        "owner_id": "select $1::uuid",
        "agents.id": "select owner_id from agent_hub.agents where id = $1",
        "agent_id": "select owner_id from agent_hub.agents where id = $1",
        "sessions.id": "select user_id from agent_hub.sessions where id = $1",
        "session_id": "select user_id from agent_hub.sessions where id = $1",
        "external_session_id": "select user_id from agent_hub.sessions where external_session_id = $1",
    },
)
