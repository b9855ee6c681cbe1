"""copy_models streams: memory stays flat with the row count, for iterables and async iterables."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import BaseModel

import sqlfirst
from sqlfirst.db import Connection, copy_models
from sqlfirst.errors import InvalidInput

MIB = 1024 * 1024


class Reading(BaseModel):
    n: int
    label: str


class Partial(BaseModel):
    n: int


@pytest.fixture
async def sink(conn: Connection) -> str:
    await conn.execute("create temp table copy_sink (n int not null, label text not null) on commit drop")
    return "copy_sink"


async def test_copy_models_is_exported_where_it_always_was() -> None:
    assert sqlfirst.copy_models is copy_models


_CHILD = """
import asyncio, resource, sys
import asyncpg
from pydantic import BaseModel
from sqlfirst.db import copy_models

class Reading(BaseModel):
    n: int
    label: str

async def main(url, rows):
    conn = await asyncpg.connect(url)
    await conn.execute("create temp table copy_sink (n int not null, label text not null)")
    model = Reading(n=7, label="x")
    await copy_models(conn, "copy_sink", [model] * 1000)  # warm: codecs, prepared intro statement
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # One model object yielded again and again: whatever copy_models keeps per row shows up.
    written = await copy_models(conn, "copy_sink", (model for _ in range(rows)))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(written, await conn.fetchval("select count(*) from copy_sink"), (after - before) * 1024)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_three_million_rows_from_a_generator_keep_peak_rss_flat(shared_url: str) -> None:
    # A fresh process, so its peak RSS is this copy's alone (ru_maxrss only ever grows).
    rows = 3_000_000
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _CHILD, shared_url, str(rows), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    assert child.returncode == 0
    written, counted, growth = (int(x) for x in out.split())
    assert (written, counted) == (rows, rows + 1000)
    # Materialising the rows (a list of 3M tuples) alone would take ~170 MiB.
    assert growth < 30 * MIB, f"peak RSS grew {growth / MIB:.1f} MiB"


async def test_async_iterable_is_copied_lazily(conn: Connection, sink: str) -> None:
    produced = 0

    async def readings() -> AsyncIterator[Reading]:
        nonlocal produced
        for n in range(25_000):
            produced += 1
            yield Reading(n=n, label=f"r{n}")

    assert await copy_models(conn, sink, readings()) == 25_000
    assert produced == 25_000
    assert await conn.fetchval(f"select sum(n) from {sink}") == sum(range(25_000))


async def test_empty_async_iterable_writes_nothing(conn: Connection, sink: str) -> None:
    async def nothing() -> AsyncIterator[Reading]:
        for _ in range(0):
            yield Reading(n=0, label="")

    assert await copy_models(conn, sink, nothing()) == 0


async def test_a_bad_model_mid_stream_writes_nothing(conn: Connection, sink: str) -> None:
    def mixed() -> Iterator[BaseModel]:
        for n in range(100_000):
            yield Reading(n=n, label="ok")
        yield Partial(n=1)  # no `label`: refused, and the rows before it are not kept

    with pytest.raises(InvalidInput, match="Partial has no field 'label'"):
        async with conn.transaction():
            await copy_models(conn, sink, mixed())
    assert await conn.fetchval(f"select count(*) from {sink}") == 0
    assert await copy_models(conn, sink, [Reading(n=1, label="after")]) == 1
