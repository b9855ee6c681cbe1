"""agent_hub side by side: point lookup, page of 50, insert returning, 10k-row bulk insert and SELECT 1
through raw asyncpg, sqlfirst and the SQLAlchemy ORM, and the batched lookup (``BATCHES``)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text

from sqlfirst.agent_hub import events, users
from sqlfirst.agent_hub.models import Event, EventAuthor
from sqlfirst.bench.dataset import PASSWORD_HASH
from sqlfirst.bench.orm import OrmState
from sqlfirst.bench.registry import BatchContest, Contender, Contest
from sqlfirst.db import copy_models

from ... import floor
from ...orm_agent_hub import EventRow, UserRow
from .load import SENTENCES
from .prepare import _new_session

BULK_ROWS = 10_000
BULK_MARK = "bench-bulk-insert"
"""The external id of the session bulk_insert_10k writes into (``cleanup`` deletes it)."""

# ctx: sqlfirst.bench.sidebyside.ContestContext (conn with sqlfirst's codecs, orm state, samples).

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
        iterations=30,  # rounds: one call per slot each; the A/A must resolve the 0.8x floor
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
