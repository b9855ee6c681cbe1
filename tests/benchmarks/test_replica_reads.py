"""Which named queries ``sqlfirst bench --replicas`` may send to a replica (reads only)."""

from __future__ import annotations

import pytest

from sqlfirst.bench import registry
from sqlfirst.bench.concurrency import ConcurrencyResult
from sqlfirst.bench.measure import Stats
from sqlfirst.bench.replica_reads import is_read


@pytest.fixture(scope="module", autouse=True)
def _declared() -> None:
    registry.declared_domains()


@pytest.mark.parametrize(
    ("domain", "query", "read"),
    [
        ("agent_hub", "get_user_by_id", True),
        ("agent_hub", "list_session_events", True),
        ("agent_hub", "append_event", False),  # an insert
        ("ai_seo", "claim_next_task", False),  # for update skip locked
        ("ai_seo", "use_session", False),  # rotates a refresh token
        ("deals", "deduct_tokens", False),  # select deals.deduct_tokens(...): the function writes
        ("deals", "count_unread_notifications", True),
        ("easyflow", "claim_outbound_messages", False),
        ("easyflow", "search_messages", True),
    ],
)
def test_reads_and_writes_are_told_apart(domain: str, query: str, read: bool) -> None:
    assert is_read(registry.declarations(domain)[query]) is read


def test_abba_halves_merge_into_one_contender() -> None:
    def run(samples: tuple[float, ...], errors: dict[str, int]) -> ConcurrencyResult:
        return ConcurrencyResult(4, 2, 1.0, len(samples), Stats.of(samples), errors, 1, samples)

    merged = ConcurrencyResult.merged([run((0.001, 0.003), {"E": 1}), run((0.002,), {"E": 2, "F": 1})])
    assert (merged.operations, merged.seconds, merged.pool_timeouts) == (3, 2.0, 2)
    assert merged.errors == {"E": 3, "F": 1}
    assert merged.throughput == 1.5
    assert merged.stats.p50_ms == pytest.approx(2.0)
