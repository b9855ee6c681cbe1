"""agent_hub's samples: keys drawn from the loaded data once per run, and the draws the workloads make."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlfirst.bench.dataset import SAMPLE_KEYS, Unique, sample_rows
from sqlfirst.bench.registry import Params


@dataclass
class Samples(Unique):
    """Parameters drawn from the loaded data."""

    users: list[Any]
    agents: list[Any]
    owners: list[uuid.UUID]
    sessions: list[Any]
    long_sessions: list[uuid.UUID]
    long_histories: list[Any]
    external_ids: list[str]
    session_users: list[uuid.UUID]
    public_cursors: list[Any]
    entries: list[Any]


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = SAMPLE_KEYS
    session_rows = await sample_rows(
        conn,
        "agent_hub.sessions",
        ["id", "user_id", "agent_id", "external_session_id", "last_event_sequence"],
        n,
        seed=seed,
    )
    long_rows = await sample_rows(
        conn, "agent_hub.sessions", ["id", "message_count"], n, seed=seed, where="last_event_sequence >= 50"
    )
    agent_rows = await sample_rows(conn, "agent_hub.agents", ["id", "owner_id", "is_public"], n, seed=seed)
    return Samples(
        users=await sample_rows(conn, "agent_hub.users", ["id", "username", "email"], n, seed=seed),
        agents=agent_rows,
        owners=[r["owner_id"] for r in agent_rows],
        sessions=session_rows,
        long_sessions=[r["id"] for r in long_rows],
        long_histories=[r for r in long_rows if r["message_count"] >= 40],
        external_ids=[r["external_session_id"] for r in session_rows if r["external_session_id"]],
        session_users=[r["user_id"] for r in session_rows],
        public_cursors=await sample_rows(
            conn, "agent_hub.agents", ["created_at", "id"], n, seed=seed, where="is_public"
        ),
        entries=await sample_rows(
            conn,
            "agent_hub.marketplace_entries",
            ["agent_id", "category", "tags"],
            n,
            seed=seed,
            where="jsonb_array_length(tags) > 0",
        ),
    )


def _user(s: Samples, rng: random.Random) -> Any:
    return rng.choice(s.users)


def _pair(s: Samples, rng: random.Random) -> Params:
    return {"session_id": rng.choice(s.long_sessions), "sequence_number": rng.randint(1, 50)}


def _history_page(s: Samples, rng: random.Random) -> Params:
    """The last 20 messages of a long conversation, or (three times in ten) an older page of it."""
    session = rng.choice(s.long_histories)
    before = None if rng.random() < 0.7 else rng.randint(20, session["message_count"] - 20)
    return {"id": session["id"], "before": before, "lim": 20}


def _entry_search(s: Samples, rng: random.Random) -> Params:
    entry = rng.choice(s.entries)
    return {"category": entry["category"], "tags": [rng.choice(entry["tags"])], "lim": 50}
