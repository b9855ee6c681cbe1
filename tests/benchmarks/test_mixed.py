"""The mixed pass: a workload's error is a finding of the run (reported, failing it), not a crash that
loses every other figure."""

from __future__ import annotations

import uuid

from sqlfirst.agent_hub import agents, users
from sqlfirst.bench.mixed import run_mixed
from sqlfirst.bench.registry import QueryWorkload


async def test_an_erroring_workload_is_reported_and_the_others_still_measured(db_url: str) -> None:
    lookup = users.get_by_id.__sqlfirst__  # type: ignore[attr-defined]
    create = agents.create.__sqlfirst__  # type: ignore[attr-defined]
    items = [
        (lookup, QueryWorkload(lookup.query.name, lambda s, r: {"id": uuid.uuid4()}), None),
        # a blank name: the input model refuses it before the database
        (
            create,
            QueryWorkload(
                create.query.name,
                lambda s, r: {"owner_id": uuid.uuid4(), "name": " ", "display_name": "x", "definition": {}},
            ),
            None,
        ),
    ]
    result = await run_mixed(db_url, items, statement_cache_size=100, calls_per_query=3, seed=1)
    assert result.per_query["agent_hub.get_user_by_id"].calls == 3
    assert list(result.errors) == ["agent_hub.insert_agent"]
    assert result.errors["agent_hub.insert_agent"].startswith("ValidationError")
    assert "agent_hub.insert_agent" not in result.per_query
    assert result.as_json()["errors"] == result.errors
