"""The PNG plots of a bench run: one image per domain (its queries' p95 against their budgets) and one
of the side-by-side contests, so each stays readable with five domains and ~300 queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["write_plots"]


def write_plots(directory: Path, stem: str, doc: dict[str, Any]) -> list[Path]:
    """``<stem>-<domain>.png`` per domain and ``<stem>-side-by-side.png``; the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    queries = [q for q in doc["queries"] if not q["error"] and q["p95_ms"] is not None]
    for domain in sorted({q["domain"] for q in queries}):
        mine = [q for q in queries if q["domain"] == domain]
        fig, ax = plt.subplots(figsize=(10, max(3.0, 0.25 * len(mine) + 1.5)))
        ys = list(range(len(mine)))
        colours = ["tab:green" if q["within_budget"] else "tab:red" for q in mine]
        ax.barh(ys, [q["p95_ms"] for q in mine], color=colours, label="p95")
        budgets = [(y, q["budget_p95_ms"]) for y, q in zip(ys, mine, strict=True) if q["budget_p95_ms"]]
        if budgets:
            ax.scatter([b for _, b in budgets], [y for y, _ in budgets], marker="|", s=200, color="black",
                       label="budget")  # fmt: skip
        ax.set_yticks(ys, [q["query"] for q in mine], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("ms (log)")
        ax.set_title(f"{domain}: p95 against budget ({doc['scale']} scale)")
        ax.legend(loc="lower right")
        fig.tight_layout()
        path = directory / f"{stem}-{domain}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    contests = [c for c in doc["side_by_side"] if not c["error"] and c.get("footing", "held") == "held"]
    if contests:
        fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(contests) + 2), 5))
        xs = list(range(len(contests)))
        ax.bar([x - 0.2 for x in xs], [c["ratio_vs_asyncpg"] for c in contests], width=0.4,
               label="sqlfirst / asyncpg")  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [c["speedup_vs_sqlalchemy"] for c in contests], width=0.4,
               label="sqlalchemy / sqlfirst")  # fmt: skip
        for x, c in zip(xs, contests, strict=True):
            t = c["targets"]
            limit = t["max_ratio_vs_asyncpg"] or (
                1 / t["min_throughput_vs_asyncpg"] if t["min_throughput_vs_asyncpg"] else None
            )
            if limit:
                ax.hlines(limit, x - 0.4, x, colors="black", linestyles="dashed")
            if t["min_speedup_vs_sqlalchemy"]:
                ax.hlines(t["min_speedup_vs_sqlalchemy"], x, x + 0.4, colors="black", linestyles="dotted")
        ax.axhline(1.0, color="grey", linewidth=0.5)
        ax.set_xticks(xs, [f"{c['domain']}.{c['workload']}" for c in contests], rotation=30, ha="right")
        ax.set_ylabel("ratio of medians (dashed/dotted: targets)")
        ax.set_title(f"side by side, held connection ({doc['scale']} scale)")
        ax.legend()
        fig.tight_layout()
        path = directory / f"{stem}-side-by-side.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
