"""devskyy round-table results: the seed's save, read, and statistics per category and winner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.devskyy import round_table
from sqlfirst.devskyy.models import TaskCategory
from sqlfirst.errors import Conflict

from .factories import HOSTILE


async def test_save_round_table_result_as_the_seed_does(conn: Connection) -> None:
    participants = [
        {"provider": "anthropic", "response": "...", "score": 0.95},
        {"provider": "openai", "response": "...", "score": 0.87},
    ]
    result = await round_table.save(
        conn,
        result_id="rt-0001",
        prompt="Why is the sky blue?",
        task_category="reasoning",
        winner_provider="anthropic",
        winner_response="Rayleigh scattering.",
        participants=participants,
        metadata={"test_config": {"rounds": 2}},
    )
    assert result.task_category is TaskCategory.REASONING
    assert result.participants == participants
    assert await round_table.get(conn, result_id="rt-0001") == result
    assert await round_table.get(conn, result_id="rt-none") is None
    with pytest.raises(Conflict) as again:
        async with conn.transaction():
            await round_table.save(conn, result_id="rt-0001", prompt="p", participants=[])
    assert again.value.constraint == "uq_llm_round_table_results_result_id"


async def test_bad_results_are_refused_before_the_database(conn: Connection) -> None:
    with pytest.raises(ValidationError):
        await round_table.save(conn, result_id="x", prompt="p", participants=[], task_category="poetry")
    with pytest.raises(ValidationError):
        await round_table.save(conn, result_id="x", prompt="p", participants=[], winner_response="orphan")
    with pytest.raises(ValidationError):
        await round_table.save(conn, result_id="", prompt="p", participants=[])


async def test_stats_count_wins_per_category_and_provider_in_the_range(conn: Connection) -> None:
    await conn.execute("delete from devskyy.llm_round_table_results")
    wins = [
        ("reasoning", "anthropic"),
        ("reasoning", "anthropic"),
        ("reasoning", "openai"),
        ("code", "openai"),
        (None, None),
    ]
    for n, (category, winner) in enumerate(wins):
        await round_table.save(
            conn,
            result_id=f"rt-{n}",
            prompt="p",
            participants=[],
            task_category=category,
            winner_provider=winner,
        )
    await conn.execute(
        "update devskyy.llm_round_table_results set created_at = now() - interval '10 days'"
        " where result_id = 'rt-3'"
    )
    now = datetime.now(UTC)
    stats = await round_table.stats(conn, since=now - timedelta(days=1), until=now + timedelta(days=1))
    assert [(s.task_category, s.winner_provider, s.results) for s in stats] == [
        (TaskCategory.REASONING, "anthropic", 2),
        (TaskCategory.REASONING, "openai", 1),
        (None, None, 1),
    ]
    assert [round(s.share, 4) for s in stats] == [0.6667, 0.3333, 1.0]
    with pytest.raises(ValidationError):
        await round_table.stats(conn, since=now, until=now)
    with pytest.raises(ValidationError):
        await round_table.stats(conn, since=datetime(2026, 1, 1), until=datetime(2026, 2, 1))


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    saved = await round_table.save(
        conn,
        result_id=text[:100],
        prompt=text,
        participants=[{"response": text}],
        winner_provider="x",
        winner_response=text,
    )
    assert await round_table.get(conn, result_id=text[:100]) == saved
    assert saved.prompt == text and saved.participants == [{"response": text}]
