"""agent_hub at scale: generator, one workload per named query, side-by-side contests, concurrency mix.

Medium sizes (seed 004's service with a year of use): 100k users, 20k agents (a quarter public and
published), 200k sessions, ~2M events. Sessions are skewed like real chat traffic: one in ten is a
long conversation of 50-70 events and as many messages, the rest have 0-8 events and 2-8 messages.
The sessions' message histories become agent_hub.session_messages rows by the database's own
trigger as they are copied in (about 2M at medium).
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy import select, text

from sqlfirst.agent_hub import events, users
from sqlfirst.agent_hub.models import Event, EventAuthor
from sqlfirst.db import copy_models

from .. import floor
from ..dataset import PASSWORD_HASH, SAMPLE_KEYS, jsonb, rand_uuid, sample_rows
from ..orm import OrmState
from ..orm_agent_hub import EventRow, UserRow
from ..orm_agent_hub import setup as orm_setup
from ..registry import BatchContest, Contender, Contest, DomainBench, Params, QueryWorkload, TableLoad

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
BULK_ROWS = 10_000
BULK_MARK = "bench-bulk-insert"


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
                rng.choice(user_ids),
                rng.choice(definitions),
                "{}",
                agent_public[i],
                created,
                created,
            )

    def session_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 3)
        histories = _histories(rng)
        long_histories = _histories(rng, 25, 35)  # 50-70 messages, one per event of a long session
        for i, sid in enumerate(session_ids):
            created = session_created[i]
            updated = created + timedelta(seconds=30 * event_counts[i])
            external = f"ext-{i:08d}" if rng.random() < 0.5 else None
            yield (
                sid,
                rng.choice(agent_ids),
                rng.choice(user_ids),
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


@dataclass
class Samples:
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
    token: str = field(default_factory=lambda: os.urandom(4).hex())
    serial: Iterator[int] = field(default_factory=count)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{self.token}{next(self.serial)}"


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


# -- untimed preparation for writes that need a fresh target -------------------------------------


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    name = s.unique("prep")
    uid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.users (username, email, password_hash) values ($1, $2, $3) returning id",
        name,
        f"{name}@example.com",
        PASSWORD_HASH,
    )
    return uid


async def _new_agent(conn: Any, s: Samples, rng: random.Random, *, is_public: bool = False) -> uuid.UUID:
    aid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.agents (name, display_name, owner_id, definition, is_public)"
        " values ('tmp', 'Tmp', $1, $2, $3)"
        " returning id",
        rng.choice(s.users)["id"],
        {"model": "openai:gpt-4o"},
        is_public,
    )
    return aid


async def _new_session(conn: Any, s: Samples, rng: random.Random, external: str | None = None) -> uuid.UUID:
    sid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.sessions (agent_id, user_id, external_session_id)"
        " values ($1, $2, $3) returning id",
        rng.choice(s.agents)["id"],
        rng.choice(s.users)["id"],
        external,
    )
    return sid


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


async def _prep_user_profile(conn: Any, s: Samples, rng: random.Random) -> Params:
    name = s.unique("moved")
    return {"id": await _new_user(conn, s), "email": f"{name}@example.com", "full_name": f"User {name}"}


async def _prep_agent_profile(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {
        "id": await _new_agent(conn, s, rng),
        "name": s.unique("agent"),
        "display_name": "Renamed agent",
        "description": "What this agent does, in a sentence.",
    }


async def _prep_versions(conn: Any, s: Samples, rng: random.Random) -> Params:
    agent_id = rng.choice(s.entries)["agent_id"]
    if rng.random() < 0.5:  # a republication now and then, so histories grow as they do in use
        await conn.execute(
            "update agent_hub.marketplace_entries set changelog = $2, published_at = now()"
            " where agent_id = $1",
            agent_id,
            f"release {s.unique('r')}",
        )
    return {"agent_id": agent_id, "lim": 20}


async def _prep_delete_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_agent(conn, s, rng)}


async def _prep_delete_session(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_session(conn, s, rng)}


async def _prep_withdraw(conn: Any, s: Samples, rng: random.Random) -> Params:
    aid = await _new_agent(conn, s, rng, is_public=True)  # only public agents are published
    await conn.execute(
        "insert into agent_hub.marketplace_entries (agent_id, category) values ($1, 'support')", aid
    )
    return {"agent_id": aid}


def _user(s: Samples, rng: random.Random) -> Any:
    return rng.choice(s.users)


def _pair(s: Samples, rng: random.Random) -> Params:
    return {"session_id": rng.choice(s.long_sessions), "sequence_number": rng.randint(1, 50)}


def _history_page(s: Samples, rng: random.Random) -> Params:
    """The last 20 messages of a long conversation, or (three times in ten) an older page of it."""
    session = rng.choice(s.long_histories)
    before = None if rng.random() < 0.7 else rng.randint(20, session["message_count"] - 20)
    return {"id": session["id"], "before": before, "lim": 20}


async def after_load(conn: Any) -> None:
    """The loader vacuums the tables it copied; session_messages was filled by the sessions' trigger."""
    await conn.execute("vacuum (analyze) agent_hub.session_messages")


def _entry_search(s: Samples, rng: random.Random) -> Params:
    entry = rng.choice(s.entries)
    return {"category": entry["category"], "tags": [rng.choice(entry["tags"])], "lim": 50}


QUERIES = [
    # users
    QueryWorkload(
        "insert_user",
        lambda s, r: {
            "username": s.unique("u"),
            "email": f"{s.unique('e')}@example.com",
            "password_hash": PASSWORD_HASH,
            "full_name": "Bench User",
        },
    ),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_users_by_ids", lambda s, r: {"ids": [_user(s, r)["id"] for _ in range(50)]}),
    QueryWorkload("get_user_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_login_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload(
        "set_user_password_hash", lambda s, r: {"id": _user(s, r)["id"], "password_hash": PASSWORD_HASH}
    ),
    QueryWorkload("set_user_active", lambda s, r: {"id": _user(s, r)["id"], "is_active": True}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    # agents
    QueryWorkload(
        "insert_agent",
        lambda s, r: {
            "name": "assistant",
            "display_name": "Assistant",
            "description": None,
            "owner_id": _user(s, r)["id"],
            "definition": {"model": "openai:gpt-4o"},
            "metadata": {},
            "is_public": False,
        },
    ),
    QueryWorkload("get_agent_by_id", lambda s, r: {"id": r.choice(s.agents)["id"]}),
    QueryWorkload(
        "update_agent_definition",
        lambda s, r: {
            "id": r.choice(s.agents)["id"],
            "definition": {"model": r.choice(MODELS), "system_prompt": r.choice(SENTENCES)},
        },
    ),
    QueryWorkload(
        "update_agent_metadata",
        lambda s, r: {"id": r.choice(s.agents)["id"], "metadata": {"rev": r.randint(1, 99)}},
    ),
    QueryWorkload(
        "merge_agent_metadata", lambda s, r: {"id": r.choice(s.agents)["id"], "patch": {"seen": True}}
    ),
    QueryWorkload(
        "set_agent_public",
        lambda s, r: (lambda a: {"id": a["id"], "is_public": a["is_public"]})(r.choice(s.agents)),
    ),
    QueryWorkload("list_agents_by_owner", lambda s, r: {"owner_id": r.choice(s.owners), "lim": 50}),
    QueryWorkload("list_public_agents", lambda s, r: {"lim": 50}),
    QueryWorkload(
        "list_public_agents_before",
        lambda s, r: (lambda c: {"before_created_at": c["created_at"], "before_id": c["id"], "lim": 50})(
            r.choice(s.public_cursors)
        ),
    ),
    QueryWorkload("delete_agent", lambda s, r: {}, prepare=_prep_delete_agent),
    # sessions
    QueryWorkload(
        "insert_session",
        lambda s, r: {
            "agent_id": r.choice(s.agents)["id"],
            "user_id": _user(s, r)["id"],
            "external_session_id": s.unique("x"),
            "state": {},
        },
    ),
    QueryWorkload("get_session_by_id", lambda s, r: {"id": r.choice(s.sessions)["id"]}),
    QueryWorkload(
        "find_session_by_external_id", lambda s, r: {"external_session_id": r.choice(s.external_ids)}
    ),
    QueryWorkload(
        "append_session_messages",
        lambda s, r: {
            "id": r.choice(s.sessions)["id"],
            "messages": [{"kind": "request", "parts": [{"part_kind": "user-prompt", "content": "hi"}]}],
        },
    ),
    QueryWorkload(
        "update_session_state",
        lambda s, r: {"id": r.choice(s.sessions)["id"], "state": {"step": r.randint(1, 9)}},
    ),
    QueryWorkload("list_sessions_for_user", lambda s, r: {"user_id": r.choice(s.session_users), "lim": 50}),
    QueryWorkload(
        "list_sessions_for_user_agent",
        lambda s, r: (lambda x: {"user_id": x["user_id"], "agent_id": x["agent_id"], "lim": 50})(
            r.choice(s.sessions)
        ),
    ),
    QueryWorkload(
        "list_sessions_for_agent", lambda s, r: {"agent_id": r.choice(s.sessions)["agent_id"], "lim": 50}
    ),
    QueryWorkload("update_agent_profile", lambda s, r: {}, prepare=_prep_agent_profile),
    QueryWorkload("update_user_profile", lambda s, r: {}, prepare=_prep_user_profile),
    QueryWorkload(
        "get_session_history_page",
        _history_page,
    ),
    QueryWorkload("list_marketplace_versions", lambda s, r: {}, prepare=_prep_versions),
    QueryWorkload("delete_session", lambda s, r: {}, prepare=_prep_delete_session),
    # events
    QueryWorkload(
        "append_event",
        lambda s, r: {
            "session_id": r.choice(s.sessions)["id"],
            "author": EventAuthor.USER,
            "content": r.choice(SENTENCES),
            "metadata": {},
            "partial": False,
            "turn_complete": True,
            "error_code": None,
            "error_message": None,
        },
    ),
    QueryWorkload(
        "list_session_events",
        lambda s, r: {"session_id": r.choice(s.long_sessions), "after_sequence": 0, "lim": 50},
    ),
    QueryWorkload("stream_session_events", lambda s, r: {"session_id": r.choice(s.long_sessions)}),
    QueryWorkload("mark_turn_complete", _pair),
    QueryWorkload(
        "record_event_error", lambda s, r: {**_pair(s, r), "error_code": "bench", "error_message": None}
    ),
    QueryWorkload("count_session_errors", lambda s, r: {"session_id": r.choice(s.long_sessions)}),
    # marketplace
    QueryWorkload(
        "upsert_marketplace_entry",
        lambda s, r: (
            lambda e: {
                "agent_id": e["agent_id"],
                "category": e["category"],
                "tags": e["tags"],
                "changelog": "republished",
            }
        )(r.choice(s.entries)),
    ),
    QueryWorkload(
        "get_marketplace_entry_by_agent", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"]}
    ),
    QueryWorkload("search_marketplace_by_category", _entry_search),
    QueryWorkload(
        "search_marketplace_by_tags",
        lambda s, r: {"tags": [r.choice(TAGS)], "lim": 50},
        # two tags rarely carried together: the ordered scan must read far to find 50
        heavy=lambda s, r: {"tags": [TAGS[0], TAGS[1]], "lim": 50},
    ),
    QueryWorkload("increment_download_count", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"]}),
    QueryWorkload(
        "rate_marketplace_entry", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"], "score": 4.0}
    ),
    QueryWorkload("delete_marketplace_entry", lambda s, r: {}, prepare=_prep_withdraw),
]


# -- side by side ----------------------------------------------------------------------------------
# ctx: benchmarks.sidebyside.ContestContext (conn with sqlfirst's codecs, orm state, samples).

_GET_USER = users.get_by_id.__sqlfirst__.query.sql  # type: ignore[attr-defined]
_PAGE = events._list_page.__sqlfirst__.query.sql  # type: ignore[attr-defined]
_INSERT_USER = users._insert.__sqlfirst__.query.sql  # type: ignore[attr-defined]
_EVENT_COLUMNS = tuple(Event.model_fields)


def _orm(ctx: Any) -> OrmState:
    state: OrmState = ctx.orm
    return state


async def _draw_user(ctx: Any, rng: random.Random) -> Any:
    return rng.choice(ctx.samples.users)["id"]


async def _draw_long(ctx: Any, rng: random.Random) -> Any:
    return rng.choice(ctx.samples.long_sessions)


async def _self(ctx: Any, uid: Any) -> Any:
    """Who reads a user's own profile: that user (users is readable by every acting user)."""
    return uid


async def _session_owner(ctx: Any, sid: Any) -> Any:
    return await ctx.conn.fetchval("select user_id from agent_hub.sessions where id = $1", sid)


async def _draw_new_user(ctx: Any, rng: random.Random) -> Any:
    name = ctx.samples.unique("sbs")
    return (name, f"{name}@example.com")


async def _orm_point(ctx: Any, uid: Any) -> object:
    async with _orm(ctx).sessions() as session:
        return await session.get(UserRow, uid)


async def _orm_page(ctx: Any, sid: Any) -> object:
    async with _orm(ctx).sessions() as session:
        stmt = (
            select(EventRow)
            .where(EventRow.session_id == sid, EventRow.sequence_number > 0)
            .order_by(EventRow.sequence_number)
            .limit(50)
        )
        return (await session.scalars(stmt)).all()


async def _orm_insert(ctx: Any, new: Any) -> object:
    async with _orm(ctx).sessions() as session:
        row = UserRow(username=new[0], email=new[1], password_hash=PASSWORD_HASH, full_name="Bench User")
        session.add(row)
        await session.commit()
        return row


async def _orm_select_one(ctx: Any, _: Any) -> object:
    async with _orm(ctx).sessions() as session:
        return await session.scalar(text("select 1"))


def _bulk_events(session_id: uuid.UUID, rng: random.Random) -> list[Event]:
    now = datetime.now(UTC)
    return [
        Event(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            session_id=session_id,
            sequence_number=n,
            author=EventAuthor.AGENT,
            content=rng.choice(SENTENCES),
            metadata={"tokens": n},
            partial=False,
            turn_complete=True,
            error_code=None,
            error_message=None,
            timestamp=now,
        )
        for n in range(1, BULK_ROWS + 1)
    ]


async def _prep_bulk(ctx: Any, rng: random.Random) -> list[Event]:
    sid = await _new_session(ctx.conn, ctx.samples, rng, external=BULK_MARK)
    return _bulk_events(sid, rng)


async def _prep_bulk_tuples(ctx: Any, rng: random.Random) -> list[tuple[Any, ...]]:
    return [tuple(e.__dict__[c] for c in _EVENT_COLUMNS) for e in await _prep_bulk(ctx, rng)]


async def _prep_bulk_orm(ctx: Any, rng: random.Random) -> list[EventRow]:
    return [
        EventRow(**{("metadata_" if k == "metadata" else k): v for k, v in e.__dict__.items()})
        for e in await _prep_bulk(ctx, rng)
    ]


async def _raw_copy(ctx: Any, records: list[tuple[Any, ...]]) -> object:
    return await ctx.conn.copy_records_to_table(
        "events", schema_name="agent_hub", columns=list(_EVENT_COLUMNS), records=records
    )


async def _orm_add_all(ctx: Any, rows: list[EventRow]) -> object:
    async with _orm(ctx).sessions() as session:
        session.add_all(rows)
        await session.commit()
    return None


async def cleanup(conn: Any) -> None:
    """Remove what the workloads and contests wrote, so repeated runs keep the dataset as loaded:
    every user and agent created after the load (with their sessions, events and marketplace
    entries, by cascade; generated rows carry past timestamps) and the bulk-insert contest's session.
    Left behind, they grew the dataset by ~12k users and ~4.7k agents a run, enough to turn
    search_marketplace_by_tags into a hash join over every agent on the third run."""
    await conn.execute("delete from agent_hub.sessions where external_session_id = $1", BULK_MARK)
    loaded = await conn.fetchval(
        "select loaded_at from public.sqlfirst_bench_datasets where domain = 'agent_hub'"
    )
    if loaded is not None:
        await conn.execute("delete from agent_hub.users where created_at > $1", loaded)
        await conn.execute("delete from agent_hub.agents where created_at > $1", loaded)


CONTESTS = [
    Contest(
        "point_lookup",
        "one user by primary key -> model",
        {
            "asyncpg": Contender(lambda ctx, uid: ctx.conn.fetchrow(_GET_USER, uid), _draw_user),
            "sqlfirst": Contender(lambda ctx, uid: users.get_by_id(ctx.conn, id=uid), _draw_user),
            "sqlalchemy": Contender(_orm_point, _draw_user),
        },
        iterations=2000,
        shared_input=True,
        acting=_self,
    ),
    Contest(
        "page_50",
        "50 events of a session in order -> models",
        {
            "asyncpg": Contender(lambda ctx, sid: ctx.conn.fetch(_PAGE, sid, 0, 50), _draw_long),
            "sqlfirst": Contender(lambda ctx, sid: events.list_page(ctx.conn, session_id=sid), _draw_long),
            "sqlalchemy": Contender(_orm_page, _draw_long),
        },
        rows_per_call=50,
        iterations=1000,
        shared_input=True,
        acting=_session_owner,
    ),
    Contest(
        "insert_returning",
        "insert one user, returning the row -> model",
        {
            "asyncpg": Contender(
                lambda ctx, new: ctx.conn.fetchrow(_INSERT_USER, new[0], new[1], PASSWORD_HASH, "Bench User"),
                _draw_new_user,
            ),
            "sqlfirst": Contender(
                lambda ctx, new: users._insert(
                    ctx.conn,
                    username=new[0],
                    email=new[1],
                    password_hash=PASSWORD_HASH,
                    full_name="Bench User",
                ),
                _draw_new_user,
            ),
            "sqlalchemy": Contender(_orm_insert, _draw_new_user),
        },
        iterations=1000,
    ),
    Contest(
        "bulk_insert_10k",
        "10k events: COPY (raw, copy_models) vs ORM add_all",
        {
            "asyncpg": Contender(_raw_copy, _prep_bulk_tuples),
            "sqlfirst": Contender(
                lambda ctx, models: copy_models(ctx.conn, "agent_hub.events", models), _prep_bulk
            ),
            "sqlalchemy": Contender(_orm_add_all, _prep_bulk_orm),
        },
        rows_per_call=BULK_ROWS,
        iterations=12,
    ),
    Contest(
        "select_1",
        "SELECT 1: the round-trip floor",
        {
            "asyncpg": Contender(lambda ctx, _: ctx.conn.fetchval("select 1")),
            "sqlfirst": Contender(lambda ctx, _: floor.select_one(ctx.conn)),
            "sqlalchemy": Contender(_orm_select_one),
        },
        iterations=2000,
    ),
]

BATCHES = [
    BatchContest(
        "users_by_id_50",
        "50 users by id: 50 get_by_id calls vs one get_by_ids (= any($1)) vs 50 Loader loads",
        draw=lambda s, r: r.choice(s.users)["id"],
        single=lambda conn, uid: users.get_by_id(conn, id=uid),
        batch=lambda conn, ids: users.get_by_ids(conn, ids=ids),
    )
]

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
