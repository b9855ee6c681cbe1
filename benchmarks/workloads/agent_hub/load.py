"""agent_hub's dataset: sizes, vocabularies, the deterministic generator (``tables``) and the load hook."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH, jsonb, rand_uuid
from sqlfirst.bench.registry import TableLoad
from sqlfirst.bench.restore import snapshot_schemas

ANCHOR = datetime(2025, 6, 1, tzinfo=UTC)
YEAR_S = 365 * 24 * 3600
CATEGORIES = [
    "support",
    "sales",
    "coding",
    "research",
    "writing",
    "data",
    "devops",
    "legal",
    "finance",
    "education",
    "health",
    "travel",
]
TAGS = [f"tag{n:02d}" for n in range(30)]
AGENT_NAMES = ["assistant", "helper", "support-bot", "coder", "researcher", "writer", "analyst", "planner"]
MODELS = ["openai:gpt-4o", "openai:gpt-4o-mini", "anthropic:claude-3-5-sonnet", "gemini-1.5-pro"]
SENTENCES = [
    "Can you summarise the last report?",
    "Sure, here is a short summary of the key points.",
    "What changed since yesterday's deploy?",
    "Three services were updated; latency is unchanged.",
    "Please draft a reply to the customer.",
    "Here is a draft that keeps the tone friendly and brief.",
    "Which tests failed in the nightly run?",
    "Two flaky tests in the payments suite timed out.",
]
MEDIUM = {"users": 100_000, "agents": 20_000, "sessions": 200_000}


def _definitions(rng: random.Random) -> list[str]:
    return [
        jsonb(
            {
                "model": rng.choice(MODELS),
                "system_prompt": " ".join(rng.sample(SENTENCES, 3)),
                "tools": rng.sample(["search", "calculator", "calendar", "email", "sql"], 2),
                "temperature": round(rng.random(), 2),
            }
        )
        for _ in range(32)
    ]


def _histories(rng: random.Random, turns_from: int = 1, turns_to: int = 4) -> list[str]:
    out = []
    for _ in range(32):
        turns = rng.randint(turns_from, turns_to)
        messages: list[dict[str, Any]] = []
        for _turn in range(turns):
            messages.append(
                {"kind": "request", "parts": [{"part_kind": "user-prompt", "content": rng.choice(SENTENCES)}]}
            )
            messages.append(
                {"kind": "response", "parts": [{"part_kind": "text", "content": rng.choice(SENTENCES)}]}
            )
        out.append(jsonb(messages))
    return out


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` × medium, deterministic for ``seed``."""
    n_users = max(50, int(MEDIUM["users"] * factor))
    n_agents = max(20, int(MEDIUM["agents"] * factor))
    n_sessions = max(100, int(MEDIUM["sessions"] * factor))
    ids = random.Random(seed)
    user_ids = [rand_uuid(ids) for _ in range(n_users)]
    agent_ids = [rand_uuid(ids) for _ in range(n_agents)]
    agent_public = [ids.random() < 0.25 for _ in range(n_agents)]
    agent_owner = [ids.choice(user_ids) for _ in range(n_agents)]
    session_ids = [rand_uuid(ids) for _ in range(n_sessions)]
    event_counts = [
        ids.randint(50, 70) if ids.random() < 0.1 else ids.randint(0, 8) for _ in range(n_sessions)
    ]
    session_created = [ANCHOR - timedelta(seconds=ids.randrange(YEAR_S)) for _ in range(n_sessions)]

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 1)
        for i, uid in enumerate(user_ids):
            created = ANCHOR - timedelta(seconds=rng.randrange(YEAR_S))
            full_name = f"User {i}" if rng.random() < 0.8 else None
            yield (
                uid,
                f"user{i:07d}",
                f"user{i:07d}@example.com",
                PASSWORD_HASH,
                full_name,
                rng.random() < 0.97,
                created,
                created,
            )

    def agent_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 2)
        definitions = _definitions(rng)
        for i, aid in enumerate(agent_ids):
            name = rng.choice(AGENT_NAMES)
            created = ANCHOR - timedelta(seconds=rng.randrange(YEAR_S))
            yield (
                aid,
                name,
                f"{name.title()} #{i}",
                rng.choice(SENTENCES),
                agent_owner[i],
                rng.choice(definitions),
                "{}",
                agent_public[i],
                created,
                created,
            )

    # Each session's user, written as its row is generated: its events (COPied after the sessions)
    # carry it.
    session_user: list[Any] = [None] * len(session_ids)

    def session_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 3)
        histories = _histories(rng)
        long_histories = _histories(rng, 25, 35)  # 50-70 messages, one per event of a long session
        for i, sid in enumerate(session_ids):
            created = session_created[i]
            updated = created + timedelta(seconds=30 * event_counts[i])
            external = f"ext-{i:08d}" if rng.random() < 0.5 else None
            # Anyone may talk to a public agent; a private one only to its owner (what the
            # sessions' row-level security lets the application create).
            agent = rng.randrange(n_agents)
            session_user[i] = rng.choice(user_ids) if agent_public[agent] else agent_owner[agent]
            yield (
                sid,
                agent_ids[agent],
                session_user[i],
                external,
                rng.choice(long_histories if event_counts[i] >= 50 else histories),
                '{"step": 1}',
                event_counts[i],
                created,
                updated,
            )

    def event_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        metadata = ["{}", '{"tokens": 120}', '{"tokens": 512, "model": "openai:gpt-4o"}']
        authors = ("user", "agent")
        for i, sid in enumerate(session_ids):
            start = session_created[i]
            for seq in range(1, event_counts[i] + 1):
                error = rng.random() < 0.01
                yield (
                    rand_uuid(rng),
                    sid,
                    session_user[i],
                    seq,
                    "system" if seq == 1 else authors[seq % 2],
                    rng.choice(SENTENCES),
                    rng.choice(metadata),
                    False,
                    True,
                    "rate_limited" if error else None,
                    "provider returned 429" if error else None,
                    start + timedelta(seconds=30 * seq),
                )

    def marketplace_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 5)
        for i, aid in enumerate(agent_ids):
            if not agent_public[i]:
                continue
            rated = rng.random() < 0.8
            rating_count = rng.randint(1, 500) if rated else 0
            yield (
                rand_uuid(rng),
                aid,
                rng.choice(CATEGORIES),
                jsonb(rng.sample(TAGS, rng.randint(2, 4))),
                round(rng.uniform(1, 5), 2) if rated else None,
                rating_count,
                rng.randint(0, 10_000),
                "initial release",
                ANCHOR - timedelta(seconds=rng.randrange(YEAR_S)),
            )

    return [
        TableLoad(
            "agent_hub.users",
            (
                "id",
                "username",
                "email",
                "password_hash",
                "full_name",
                "is_active",
                "created_at",
                "updated_at",
            ),
            n_users,
            user_rows,
        ),
        TableLoad(
            "agent_hub.agents",
            (
                "id",
                "name",
                "display_name",
                "description",
                "owner_id",
                "definition",
                "metadata",
                "is_public",
                "created_at",
                "updated_at",
            ),
            n_agents,
            agent_rows,
        ),
        TableLoad(
            "agent_hub.sessions",
            (
                "id",
                "agent_id",
                "user_id",
                "external_session_id",
                "message_history",
                "state",
                "last_event_sequence",
                "created_at",
                "updated_at",
            ),
            n_sessions,
            session_rows,
        ),
        TableLoad(
            "agent_hub.events",
            (
                "id",
                "session_id",
                "user_id",
                "sequence_number",
                "author",
                "content",
                "metadata",
                "partial",
                "turn_complete",
                "error_code",
                "error_message",
                "timestamp",
            ),
            sum(event_counts),
            event_rows,
        ),
        TableLoad(
            "agent_hub.marketplace_entries",
            (
                "id",
                "agent_id",
                "category",
                "tags",
                "rating",
                "rating_count",
                "download_count",
                "changelog",
                "published_at",
            ),
            sum(agent_public),
            marketplace_rows,
        ),
    ]


async def after_load(conn: Any) -> None:
    """The loader vacuums the tables it copied; session_messages was filled by the sessions' trigger.
    Then every table as loaded, which cleanup gives back after each run."""
    await conn.execute("vacuum (analyze) agent_hub.session_messages")
    await snapshot_schemas(conn, "agent_hub")
