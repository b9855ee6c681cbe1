"""The bench's plots: one image per domain and one of the contests, each sized to what it shows."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image

from sqlfirst.bench.plot import write_plots


def _query(domain: str, n: int) -> dict[str, object]:
    return {"domain": domain, "query": f"q{n}", "p95_ms": 1.0 + n, "budget_p95_ms": 10.0,
            "within_budget": n < 9, "error": None}  # fmt: skip


def test_one_image_per_domain_and_one_of_the_contests(tmp_path: Path) -> None:
    doc = {
        "scale": "small",
        "queries": [_query("shop", n) for n in range(3)] + [_query("big", n) for n in range(120)]
        + [{**_query("shop", 99), "error": "boom", "p95_ms": None}],
        "side_by_side": [
            {"domain": "shop", "workload": "lookup", "footing": "held", "error": None,
             "ratio_vs_asyncpg": 1.04,
             "speedup_vs_sqlalchemy": 4.0, "targets": {"max_ratio_vs_asyncpg": 1.1,
             "min_throughput_vs_asyncpg": None, "min_speedup_vs_sqlalchemy": 3.0}},
            {"domain": "shop", "workload": "lookup", "footing": "pool", "error": None,
             "ratio_vs_asyncpg": 1.0,
             "speedup_vs_sqlalchemy": 2.0, "targets": {"max_ratio_vs_asyncpg": 1.1,
             "min_throughput_vs_asyncpg": None, "min_speedup_vs_sqlalchemy": None}},
        ],
    }  # fmt: skip
    written = write_plots(tmp_path, "bench-small-x", doc)
    assert [p.name for p in written] == [
        "bench-small-x-big.png",
        "bench-small-x-shop.png",
        "bench-small-x-side-by-side.png",
    ]
    heights = {p.name: matplotlib.image.imread(p).shape[0] for p in written}
    # Each domain's image grows with its own queries only: the small domain stays small.
    assert heights["bench-small-x-shop.png"] < heights["bench-small-x-big.png"] / 5


def test_nothing_to_plot_writes_nothing(tmp_path: Path) -> None:
    assert write_plots(tmp_path, "empty", {"scale": "small", "queries": [], "side_by_side": []}) == []
