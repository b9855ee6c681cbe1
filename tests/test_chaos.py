"""Chaos: 32 clients run a mixed workload for 20 s while the server is restarted twice.

Between restarts, a few sessions are terminated every half second as well (``pg_terminate_backend``),
so that transactions lose their connection while the server stays up and ``run_in_transaction``
gets to re-run them.

Afterwards every operation either committed exactly once or raised a sqlfirst error, balances and
counters add up, and the pool serves again within 2 s of the server coming back. The server is a
throwaway embedded one of the test's own. The numbers are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel

from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Database, Executor, connect
from sqlfirst.errors import (
    DRIVER_ERRORS,
    CheckViolation,
    ConnectionLost,
    DatabaseUnavailable,
    RetryableError,
    SqlfirstError,
    TransactionOutcomeUnknown,
)
from sqlfirst.settings import Settings
from tests.conftest import with_database
from tests.fault_server import RestartableServer

CLIENTS = 32
DURATION_S = 20.0
RESTART_AT_S = (4.0, 11.0)
DOWN_FOR_S = 1.0
ACCOUNTS = 16
OPENING_BALANCE = 1_000

SCHEMA = f"""
create table accounts (id int primary key, balance bigint not null check (balance >= 0));
insert into accounts select g, {OPENING_BALANCE} from generate_series(1, {ACCOUNTS}) g;
-- The ledger has no unique key on purpose: a transfer committed twice must show up as two rows.
create table transfers (op_id uuid not null, from_id int not null, to_id int not null, amount int not null);
create table counters (name text primary key, value bigint not null);
insert into counters values ('hits', 0);
create table hits (op_id uuid not null);
"""

SQL = """
-- name: move(id, delta)!
-- Change one balance (the check keeps it non-negative).
update accounts set balance = balance + :delta where id = :id;

-- name: record_transfer(op_id, from_id, to_id, amount)!
-- The ledger row of a transfer.
insert into transfers (op_id, from_id, to_id, amount) values (:op_id, :from_id, :to_id, :amount);

-- name: hit(op_id)<!
-- Count one hit and remember which operation it was, in one autocommit statement.
with seen as (insert into hits (op_id) values (:op_id))
update counters set value = value + 1 where name = 'hits' returning value;

-- name: get_account(id)^
-- One account.
select id, balance from accounts where id = :id;
"""


class Account(BaseModel):
    id: int
    balance: int


@dataclass
class Queries:
    move: Any
    record_transfer: Any
    hit: Any
    get_account: Any


def declare(root: Path) -> Queries:
    (root / "chaos").mkdir()
    (root / "chaos" / "bank.sql").write_text(SQL)
    f = SqlFile("chaos", "bank", root=root)

    @f.query("move")
    async def move(conn: Executor, *, id: int, delta: int) -> int: ...

    @f.query("record_transfer")
    async def record_transfer(
        conn: Executor, *, op_id: uuid.UUID, from_id: int, to_id: int, amount: int
    ) -> int: ...

    @f.query("hit")
    async def hit(conn: Executor, *, op_id: uuid.UUID) -> int: ...

    @f.query("get_account")
    async def get_account(conn: Executor, *, id: int) -> Account | None: ...

    return Queries(move, record_transfer, hit, get_account)


@dataclass
class Outcome:
    op_id: uuid.UUID
    kind: str  # retried_transfer | transfer | hit | read
    result: str  # "ok" or the error's class name
    detail: str = ""
    attempts: int = 1


@dataclass
class Log:
    outcomes: list[Outcome] = field(default_factory=list)
    raw: list[BaseException] = field(default_factory=list)
    recoveries: list[float] = field(default_factory=list)
    terminated: int = 0


# Errors after which the operation certainly did not commit.
NOT_COMMITTED = (ConnectionLost, DatabaseUnavailable, RetryableError, CheckViolation)


async def transfer(q: Queries, conn: Connection, op_id: uuid.UUID, a: int, b: int, amount: int) -> None:
    first, second = sorted((a, b))  # one lock order: no deadlocks between transfers
    await q.move(conn, id=first, delta=-amount if first == a else amount)
    await q.move(conn, id=second, delta=-amount if second == a else amount)
    await q.record_transfer(conn, op_id=op_id, from_id=a, to_id=b, amount=amount)


async def client(db: Database, q: Queries, rng: random.Random, deadline: float, log: Log) -> None:
    while time.monotonic() < deadline:
        op_id = uuid.uuid4()
        roll = rng.random()
        kind = (
            "retried_transfer"
            if roll < 0.35
            else "transfer"
            if roll < 0.6
            else "hit"
            if roll < 0.8
            else "read"
        )
        a, b = rng.sample(range(1, ACCOUNTS + 1), 2)
        amount = rng.randint(1, 20)
        attempts = 0
        try:
            if kind == "retried_transfer":

                async def work(
                    conn: Connection, op_id: uuid.UUID = op_id, a: int = a, b: int = b, amount: int = amount
                ) -> None:
                    nonlocal attempts
                    attempts += 1
                    await transfer(q, conn, op_id, a, b, amount)

                await db.run_in_transaction(work)
            elif kind == "transfer":
                async with db.transaction() as conn:
                    await transfer(q, conn, op_id, a, b, amount)
            elif kind == "hit":
                await q.hit(db.pool, op_id=op_id)
            else:
                await q.get_account(db.pool, id=a)
            log.outcomes.append(Outcome(op_id, kind, "ok", attempts=max(attempts, 1)))
        except SqlfirstError as exc:
            cause = exc.__cause__
            log.outcomes.append(
                Outcome(op_id, kind, type(exc).__name__, f"{exc} <- {type(cause).__name__}: {cause}")
            )
            if isinstance(exc, DatabaseUnavailable):
                await asyncio.sleep(0.05)  # the server is down: don't spin
        except Exception as exc:  # anything else escaping the public API is a failure
            log.raw.append(exc)
        await asyncio.sleep(0)


async def restart(
    server: RestartableServer, db: Database, q: Queries, at: float, start: float, log: Log
) -> None:
    await asyncio.sleep(max(0.0, start + at - time.monotonic()))
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(DOWN_FOR_S)
    await asyncio.to_thread(server.start)
    back = time.monotonic()
    while True:  # how long until the pool serves a typed call again
        try:
            await q.get_account(db.pool, id=1)
            break
        except SqlfirstError:
            await asyncio.sleep(0.01)
    log.recoveries.append(time.monotonic() - back)


async def terminator(url: str, deadline: float, log: Log) -> None:
    """Every 0.5 s, terminate two random sessions of the pool (test machinery: raw asyncpg is fine)."""
    admin: asyncpg.Connection[asyncpg.Record] | None = None
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        try:
            if admin is None or admin.is_closed():
                admin = await asyncpg.connect(url)
            log.terminated += await admin.fetchval(
                "select count(pg_terminate_backend(pid)) from (select pid from pg_stat_activity"
                " where datname = current_database() and application_name = 'sqlfirst'"
                " order by random() limit 2) s"
            )
        except DRIVER_ERRORS:
            admin = None  # the server is restarting
    if admin is not None and not admin.is_closed():
        await admin.close()


async def test_chaos_every_operation_commits_once_or_raises_a_typed_error(
    restartable_server: RestartableServer, tmp_path: Path
) -> None:
    q = declare(tmp_path)
    name = f"sqlfirst_chaos_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(restartable_server.url)
    await admin.execute(f'create database "{name}"')
    await admin.close()
    url = with_database(restartable_server.url, name)
    admin = await asyncpg.connect(url)
    await admin.execute(SCHEMA)
    await admin.close()

    log = Log()
    db = await connect(Settings(database_url=url, min_size=4, max_size=16))
    try:
        start = time.monotonic()
        deadline = start + DURATION_S
        rng = random.Random(20261202)
        await asyncio.gather(
            *(client(db, q, random.Random(rng.random()), deadline, log) for _ in range(CLIENTS)),
            *(restart(restartable_server, db, q, at, start, log) for at in RESTART_AT_S),
            terminator(url, deadline, log),
        )
    finally:
        await db.close()
        if not restartable_server.running():
            restartable_server.start()

    check = await asyncpg.connect(url)
    try:
        ledger = Counter(r["op_id"] for r in await check.fetch("select op_id from transfers"))
        hits = Counter(r["op_id"] for r in await check.fetch("select op_id from hits"))
        balances = {r["id"]: r["balance"] for r in await check.fetch("select id, balance from accounts")}
        counter = await check.fetchval("select value from counters where name = 'hits'")
        flows = await check.fetch("select from_id, to_id, amount from transfers")
    finally:
        await check.close()

    results = Counter((o.kind, o.result) for o in log.outcomes)
    print(f"\nchaos: {CLIENTS} clients, {DURATION_S:.0f} s, {len(RESTART_AT_S)} restarts", end="")
    print(f", {len(log.outcomes)} operations")
    for (kind, result), n in sorted(results.items()):
        print(f"  {kind:17} {result:27} {n:7}")
    print(f"  pool serving again after restart: {', '.join(f'{r:.3f} s' for r in log.recoveries)}")
    retried = [o for o in log.outcomes if o.attempts > 1]
    print(f"  sessions terminated while the server was up: {log.terminated}")
    print(f"  transfers committed after run_in_transaction re-ran them: {len(retried)}")
    print(f"  raw (untyped) errors: {len(log.raw)}")
    for detail in sorted({o.detail for o in log.outcomes if o.result == "DatabaseError"}):
        print(f"  bare DatabaseError: {detail}")

    assert log.raw == [], log.raw[:3]
    assert len(log.recoveries) == len(RESTART_AT_S)
    assert all(r < 2.0 for r in log.recoveries), log.recoveries
    # The server really went away under load, and the workload got through it.
    assert any(r != "ok" for _, r in results), results
    assert sum(n for (_, r), n in results.items() if r == "ok") > 100

    unknown = 0
    for o in log.outcomes:
        if o.kind in ("retried_transfer", "transfer"):
            seen = ledger[o.op_id]
        elif o.kind == "hit":
            seen = hits[o.op_id]
        else:
            continue
        if o.result == "ok":
            assert seen == 1, (o, seen)
        elif o.result == TransactionOutcomeUnknown.__name__:
            unknown += 1
            assert seen in (0, 1), (o, seen)
        else:
            assert o.result in {e.__name__ for e in _subclasses(NOT_COMMITTED)}, o
            assert seen == 0, (o, seen)
    assert all(n == 1 for n in ledger.values())  # nothing committed twice
    assert counter == sum(hits.values())

    expected = dict.fromkeys(range(1, ACCOUNTS + 1), OPENING_BALANCE)
    for row in flows:
        expected[row["from_id"]] -= row["amount"]
        expected[row["to_id"]] += row["amount"]
    assert balances == expected
    assert sum(balances.values()) == ACCOUNTS * OPENING_BALANCE
    print(f"  ledger rows {sum(ledger.values())}, hits {counter}, outcome unknown {unknown}; balances add up")


def _subclasses(roots: tuple[type, ...]) -> set[type]:
    found: set[type] = set()
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


@pytest.fixture(autouse=True)
def _quiet_asyncpg_pool_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="asyncpg.pool")
