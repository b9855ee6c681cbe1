"""The ai_seo generator, without a database: the COPY runs with triggers off (and so without the
foreign keys), so each task must come out carrying its campaign's client, or the nil uuid for work
without a campaign (0190), as tg_agent_tasks_client and the keys would have it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")

from benchmarks.workloads.ai_seo import data as gen

FACTOR = 0.01
SEED = 7


def _rows(table: str) -> list[dict[str, Any]]:
    (load,) = [load for load in gen.tables(FACTOR, SEED) if load.table == table]
    return [dict(zip(load.columns, row, strict=True)) for row in load.records()]


def test_each_task_carries_its_campaigns_client_or_the_agencys() -> None:
    clients = {c["id"]: c["client_id"] for c in _rows("ai_seo.campaigns")}
    tasks = _rows("ai_seo.agent_tasks")
    assert {t["campaign_id"] is None for t in tasks} == {True, False}
    for task in tasks:
        expected = UUID(int=0) if task["campaign_id"] is None else clients[task["campaign_id"]]
        assert task["client_id"] == expected, task["id"]
