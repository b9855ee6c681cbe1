"""Typos in budgets.toml are configuration errors naming the file, the table and the key, never
silently ignored or misreported as a missing budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlfirst.bench.registry import load_budgets
from sqlfirst.errors import ConfigurationError


def _folder(tmp_path: Path, settings: str = "", query: str = "p95_ms = 3") -> Path:
    (tmp_path / "budgets.toml").write_text(f"[settings]\nseq_scan_rows = 10_000\n{settings}\n")
    shop = tmp_path / "workloads" / "shop"
    shop.mkdir(parents=True)
    (shop / "budgets.toml").write_text(f"[get_item]\n{query}\n")
    return tmp_path


def test_well_formed_budgets_load(tmp_path: Path) -> None:
    budgets = load_budgets(_folder(tmp_path, "plan_draws = 4", 'p95_ms = 2.5\nprunes = true\ncold = "why"'))
    assert budgets.plan_draws == 4 and budgets.queries[("shop", "get_item")].p95_ms == 2.5


@pytest.mark.parametrize(
    ("settings", "query", "message"),
    [
        (
            'allow_seqscan = "x"',
            "p95_ms = 3",
            r"budgets.toml: \[settings\] has an unknown key 'allow_seqscan'",
        ),
        (
            "max_blocks_per_rw = 3",
            "p95_ms = 3",
            r"\[settings\] has an unknown key 'max_blocks_per_rw' \(known: ",
        ),
        ("", "p95 = 3", r"shop/budgets.toml: \[get_item\] has an unknown key 'p95' \(known: p95_ms, cold"),
        ("", 'p95_ms = "3"', r"\[get_item\] p95_ms must be a number, not '3'"),
        ("", "p95_ms = true", r"\[get_item\] p95_ms must be a number, not True"),
        ("", 'cold = ""', r"\[get_item\] cold must be a non-empty string"),
        ("", 'p95_ms = 3\nprunes = "yes"', r"\[get_item\] prunes must be true or false"),
        ("", "p95_ms = 3\nmax_partitions = 1.5", r"\[get_item\] max_partitions must be a whole number"),
        ("plan_draws = 2.5", "p95_ms = 3", r"\[settings\] plan_draws must be a whole number"),
    ],
)
def test_an_unknown_key_or_a_wrong_type_is_a_configuration_error(
    tmp_path: Path, settings: str, query: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_budgets(_folder(tmp_path, settings, query))


def test_target_tables_are_checked_too(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "budgets.toml").write_text("[side_by_side.lookup]\nmax_ratio = 1.2\n")
    with pytest.raises(ConfigurationError, match=r"\[side_by_side.lookup\] has an unknown key 'max_ratio'"):
        load_budgets(folder)
    (folder / "budgets.toml").write_text("[batching.lookup]\n")
    with pytest.raises(ConfigurationError, match=r"\[batching.lookup\] needs min_speedup"):
        load_budgets(folder)
    (folder / "budgets.toml").write_text("[shop2.get_item]\np95 = 3\n")
    with pytest.raises(ConfigurationError, match=r"\[shop2.get_item\] has an unknown key 'p95'"):
        load_budgets(folder)
