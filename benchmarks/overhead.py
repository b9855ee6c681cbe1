"""What a typed sqlfirst call costs over the raw driver.

Runs the same point lookup (``agent_hub.users.get_by_id``) three ways on one connection, interleaved
in small batches so machine noise hits every contender alike:

* raw      ``asyncpg.Connection.fetchrow`` of the identical SQL (the floor);
* sqlfirst the typed declaration (binds keywords, calls asyncpg, validates a Pydantic ``User``);
* aiosql   stock aiosql with its asyncpg adapter on the same ``.sql`` file, for reference.

    python benchmarks/overhead.py [--calls 20000] [--database-url URL]

The last line is the typed-call / raw-asyncpg ratio. Uses ``DATABASE_URL``, else the embedded server,
in a scratch database it creates and drops.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiosql

from sqlfirst import paths
from sqlfirst.agent_hub import users
from sqlfirst.db import connect_one, resolve_url
from sqlfirst.migrate import Migrator
from sqlfirst.settings import Settings, normalize_url

BATCH = 200
USERS = 2_000
# One precomputed Argon2id hash: the benchmark measures lookups, not hashing.
FIXED_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"


async def _time_batch(call: Callable[[uuid.UUID], Awaitable[Any]], ids: list[uuid.UUID]) -> float:
    start = time.perf_counter_ns()
    for user_id in ids:
        await call(user_id)
    return (time.perf_counter_ns() - start) / len(ids)


async def run(url: str, calls: int) -> float:
    name = f"sqlfirst_overhead_{secrets.token_hex(3)}"
    admin = await connect_one(url)
    await admin.execute(f'create database "{name}"')
    db_url = _with_db(url, name)
    try:
        Migrator(db_url, domains=["agent_hub"]).up()
        conn = await connect_one(db_url)
        try:
            ids = [uuid.uuid4() for _ in range(USERS)]
            await conn.copy_records_to_table(
                "users",
                schema_name="agent_hub",
                columns=["id", "username", "email", "password_hash"],
                records=[(i, f"user{n}", f"user{n}@example.com", FIXED_HASH) for n, i in enumerate(ids)],
            )
            await conn.execute("analyze agent_hub.users")
            sql = users.get_by_id.__sqlfirst__.query.sql  # type: ignore[attr-defined]
            stock = aiosql.from_path(paths.sql_dir() / "agent_hub" / "users.sql", "asyncpg")

            contenders: dict[str, Callable[[uuid.UUID], Awaitable[Any]]] = {
                "raw asyncpg": lambda i: conn.fetchrow(sql, i),
                "sqlfirst typed": lambda i: users.get_by_id(conn, id=i),
                "stock aiosql": lambda i: stock.get_user_by_id(conn, id=i),
            }
            # Warm up: statement caches, Pydantic validators, branch predictors.
            for call in contenders.values():
                await _time_batch(call, ids[:500])

            samples: dict[str, list[float]] = {k: [] for k in contenders}
            rng = random.Random(7)
            for _ in range(max(1, calls // BATCH)):
                batch = rng.choices(ids, k=BATCH)
                order = list(contenders)
                rng.shuffle(order)
                for label in order:
                    samples[label].append(await _time_batch(contenders[label], batch))
        finally:
            await conn.close()
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()

    raw = statistics.median(samples["raw asyncpg"])
    print(f"{'contender':<16} {'median µs/call':>15} {'ratio to raw':>13}")
    for label, values in samples.items():
        median = statistics.median(values)
        print(f"{label:<16} {median / 1000:>15.1f} {median / raw:>12.3f}x")
    print(f"({calls} calls per contender, interleaved in shuffled batches of {BATCH})")
    ratio = statistics.median(samples["sqlfirst typed"]) / raw
    print(f"typed-call / raw-asyncpg ratio: {ratio:.3f}x")
    return ratio


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=20_000, help="calls per contender (default 20000)")
    parser.add_argument(
        "--database-url", default=None, help="default: DATABASE_URL, else the embedded server"
    )
    args = parser.parse_args()
    url = normalize_url(args.database_url) if args.database_url else resolve_url(Settings.from_env())
    asyncio.run(run(url, args.calls))


if __name__ == "__main__":
    main()
