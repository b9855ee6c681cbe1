"""What turning a row into a model costs: the C builder, the generated Python loop, validation.

Fetches a page of 50 rows shaped like the domains' rows (uuid, text, nullable text, enum label,
integer, numeric, boolean, jsonb, two timestamptz) once, then times ``RowFactory.many`` on it with
each builder, interleaved in rounds so machine noise hits all three alike. Every value passes its
check, so this is the fast path's whole cost; a row that fails a check costs what validation costs.

    python benchmarks/rowcost.py [--rounds 400] [--database-url URL]

Prints the median nanoseconds per row of each builder (CPU work only: no I/O is timed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, JsonValue

from sqlfirst.db import connect_one
from sqlfirst.rows import ACCELERATED, row_factory

PAGE_SQL = """
select gen_random_uuid() as id, 'name ' || g as name, case when g % 3 = 0 then null else 'note' end as note,
       (array['draft', 'active', 'closed'])[1 + g % 3] as status, g as count, (g * 1.25)::numeric as price,
       g % 2 = 0 as flag, jsonb_build_object('k', g, 'tags', jsonb_build_array('a', 'b')) as meta,
       now() as created_at, now() as updated_at
from generate_series(1, 50) g
"""


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: UUID
    name: str
    note: str | None
    status: Status
    count: int
    price: Decimal
    flag: bool
    meta: dict[str, JsonValue]
    created_at: datetime
    updated_at: datetime


async def main(rounds: int, url: str | None) -> None:
    conn = await connect_one(url)
    try:
        records = await conn.fetch(PAGE_SQL)
    finally:
        await conn.close()
    validate = Row.model_validate
    contenders: dict[str, Any] = {"validation": lambda rows: [validate(dict(r)) for r in rows]}
    if ACCELERATED:
        contenders["c"] = row_factory(Row, accelerated=True).many
    contenders["python"] = row_factory(Row, accelerated=False).many
    expected = contenders["validation"](records)
    for name, build in contenders.items():
        assert build(records) == expected, name
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for index in range(rounds):
        names = list(contenders)
        names = names[index % len(names) :] + names[: index % len(names)]
        for name in names:
            build = contenders[name]
            start = time.perf_counter_ns()
            for _ in range(10):
                build(records)
            samples[name].append((time.perf_counter_ns() - start) / (10 * len(records)))
    for name, values in samples.items():
        print(f"{name:>10}: {statistics.median(values):7.0f} ns per row")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.database_url))
