"""Terminal tables, the JSON document and the PNG plot of a bench run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _ci(interval: list[float], digits: int = 2) -> str:
    value, low, high = interval
    return f"{value:.{digits}f}x ({low:.{digits}f}-{high:.{digits}f})"


def print_report(console: Console, doc: dict[str, Any]) -> None:
    if doc["dataset"]["tables"]:
        table = Table(
            title=f"dataset ({doc['scale']}, seed {doc['seed']}, "
            f"{'reused' if doc['dataset']['reused'] else 'generated'})"
        )
        for col in ("table", "rows", "load s", "rows/s"):
            table.add_column(col, justify="left" if col == "table" else "right")
        for t in doc["dataset"]["tables"]:
            table.add_row(t["table"], f"{t['rows']:,}", f"{t['seconds']:.1f}", f"{t['rows_per_s']:,}")
        console.print(table)

    table = Table(
        title="query latency (ms) against p95 budgets: keys uniform over the table; "
        "hot: 80% of draws on 1% of the keys (reported, not gated)"
    )
    for col in ("query", "calls", "p50", "p95", "p99", "budget", "", "hot p50/p95", "plan"):
        table.add_column(col, justify="left" if col in ("query", "plan", "") else "right")
    for q in doc["queries"]:
        if q["error"]:
            table.add_row(
                f"{q['domain']}.{q['query']}",
                "-",
                "-",
                "-",
                "-",
                _ms(q["budget_p95_ms"]),
                "[red]ERROR",
                "-",
                q["error"][:60],
            )
            continue
        plan = q["plan"]
        plan_text = "[green]ok" if plan["ok"] else "[red]" + "; ".join(plan["problems"])[:60]
        if plan["ok"] and plan["seq_scans"]:
            plan_text += f" [dim](seq: {', '.join(s.split(' ')[0] for s in plan['seq_scans'])})"
        status = "[green]ok" if q["within_budget"] else "[red]OVER"
        table.add_row(
            f"{q['domain']}.{q['query']}",
            str(q["calls"]),
            _ms(q["p50_ms"]),
            _ms(q["p95_ms"]),
            _ms(q["p99_ms"]),
            _ms(q["budget_p95_ms"]),
            status,
            f"{_ms(q['hot']['p50_ms'])}/{_ms(q['hot']['p95_ms'])}" if q.get("hot") else "-",
            plan_text,
        )
    console.print(table)
    for name, reason in doc.get("not_measured", {}).items():
        console.print(f"[yellow]{name}: not measured: {reason}[/]", soft_wrap=True)

    mixed = doc.get("mixed")
    if mixed:
        isolated = {f"{q['domain']}.{q['query']}": q["p50_ms"] for q in doc["queries"] if not q["error"]}
        ratios = sorted(
            (s["p50_ms"] / isolated[name], name)
            for name, s in mixed["queries"].items()
            if isolated.get(name) and s["calls"]
        )
        if ratios:
            median = ratios[len(ratios) // 2][0]
            worst = ", ".join(f"{name} {r:.1f}x" for r, name in ratios[-3:][::-1])
            console.print(
                f"mixed pass (statement_cache_size={mixed['statement_cache_size']}, {mixed['calls']:,} calls "
                f"interleaved): p50 against the isolated p50: median {median:.2f}x; most affected: {worst}"
            )

    machine = doc["machine"]
    versions = ", ".join(f"{name} {v}" for name, v in machine["packages"].items() if v)
    table = Table(
        title="side by side (p50 ms per call; ratios of medians with 95% bootstrap intervals)",
        caption=f"row builder: {machine['row_builder']}; {versions}. held: every contender on one held "
        "connection; pool: every call through its pool. A/A: raw asyncpg against itself (its 99.5% "
        "interval must reach 1.00, give or take 1%). Orders: all 24 orders of the 4 slots equally often "
        "(bulk: random per round, and its ratios are medians of the rounds' own ratios).",
    )
    for col in (
        "workload",
        "footing",
        "asyncpg",
        "sqlfirst",
        "sqlalchemy",
        "A/A",
        "sqlfirst/asyncpg",
        "orm/sqlfirst",
        "target",
        "",
    ):
        table.add_column(col, justify="left" if col in ("workload", "footing", "target", "") else "right")
    for c in doc["side_by_side"]:
        footing = c.get("footing", "held")
        if c["error"]:
            table.add_row(c["workload"], footing, "-", "-", "-", "-", "-", "-", "", f"[red]{c['error'][:60]}")
            continue
        p = {k: v["p50_ms"] for k, v in c["contenders"].items()}
        t = c["targets"]
        targets = []
        if t["max_ratio_vs_asyncpg"] is not None:
            targets.append(f"<={t['max_ratio_vs_asyncpg']}x raw")
        if t["min_throughput_vs_asyncpg"] is not None:
            targets.append(f">={t['min_throughput_vs_asyncpg']}x COPY rows/s")
        if t["min_speedup_vs_sqlalchemy"] is not None and footing == "held":
            targets.append(f">={t['min_speedup_vs_sqlalchemy']}x orm")
        verdict = "[green]met" if c["met"] else "[red]MISSED"
        if not c["reliable"]:
            verdict = "[yellow]UNRELIABLE"
        name = c["workload"] + (" (design)" if c.get("comparison") == "design" else "")
        table.add_row(
            name,
            footing,
            _ms(p["asyncpg"]),
            _ms(p["sqlfirst"]),
            _ms(p["sqlalchemy"]),
            _ci(c["aa_ci"]),
            _ci(c["ratio_ci"]),
            _ci(c["speedup_ci"], digits=1),
            ", ".join(targets),
            verdict,
        )
    notes = {c["workload"]: c["note"] for c in doc["side_by_side"] if c.get("comparison") == "design"}
    for name, domain in doc["pending_side_by_side"].items():
        table.add_row(name, "-", "-", "-", "-", "-", "", f"[yellow]pending: arrives with the {domain} domain")
    if table.row_count:  # a project without contests has no table to show
        console.print(table)
    for workload, note in notes.items():
        console.print(f"[dim]{workload} is a design comparison, not layer overhead: {note}[/]")

    for kind, table_of in _SLOTTED_TABLES.items():
        if doc.get(kind):
            _print_slotted(console, doc[kind], **table_of)

    if doc.get("batching"):
        table = Table(title="batched keyed lookups (p50 ms per job; speedups over one call per key)")
        for col in (
            "lookup",
            "keys",
            "single calls",
            "one batch",
            "loader",
            "batch speedup",
            "loader",
            "target",
            "",
        ):
            table.add_column(col, justify="left" if col in ("lookup", "target", "") else "right")
        for b in doc["batching"]:
            if b["error"]:
                table.add_row(
                    b["name"], str(b["keys"]), "-", "-", "-", "-", "-", "", f"[red]{b['error'][:60]}"
                )
                continue
            table.add_row(
                b["name"],
                str(b["keys"]),
                _ms(b["slots"]["single"]["p50_ms"]),
                _ms(b["slots"]["batch"]["p50_ms"]),
                _ms(b["slots"]["loader"]["p50_ms"]),
                _ci(b["speedup_ci"], digits=1),
                _ci(b["loader_speedup_ci"], digits=1),
                f">={b['min_speedup']:g}x" if b["min_speedup"] else "",
                "[green]met" if b["met"] else "[red]MISSED",
            )
        console.print(table)

    conc = doc["concurrency"]
    if conc:
        console.print(
            f"concurrency: {conc['clients']} clients on a pool of {conc['pool_max_size']} "
            f"for {conc['seconds']:.0f} s: {conc['operations']:,} ops, "
            f"{conc['throughput_ops_s']:,.0f} ops/s, "
            f"p50 {_ms(conc['p50_ms'])} ms, p99 {_ms(conc['p99_ms'])} ms, "
            f"errors {sum(conc['errors'].values())}, pool timeouts {conc['pool_timeouts']}"
        )
    open_loop = doc.get("open_loop")
    if open_loop:
        console.print(
            f"open loop: {open_loop['rate_ops_s']:,.0f} arrivals/s for {open_loop['seconds']:.0f} s: "
            f"{open_loop['completed']:,} done, {open_loop['throughput_ops_s']:,.0f} ops/s, "
            f"p50 {_ms(open_loop['p50_ms'])} ms, p99 {_ms(open_loop['p99_ms'])} ms (from arrival), "
            f"max in flight {open_loop['max_in_flight']}, errors {sum(open_loop['errors'].values())}, "
            f"pool timeouts {open_loop['pool_timeouts']}"
        )
    for hot in doc.get("hot_rows") or []:
        console.print(
            f"hot row {hot['name']}: {hot['clients']} clients on one row for {hot['seconds']:.0f} s: "
            f"{hot['operations']:,} ops, {hot['throughput_ops_s']:,.0f} ops/s, p50 {_ms(hot['p50_ms'])} ms, "
            f"p99 {_ms(hot['p99_ms'])} ms, errors {sum(hot['errors'].values())}"
        )
    replica = doc.get("replica_reads")
    if replica and replica["primary_only"] and replica["with_replicas"]:
        contenders = (("primary only", "primary_only"), (f"{replica['replicas']} replicas", "with_replicas"))
        for label, key in contenders:
            side = replica[key]
            console.print(
                f"reads, {label}: {side['clients']} clients for {side['seconds']:.0f} s (ABBA): "
                f"{side['operations']:,} ops, {side['throughput_ops_s']:,.0f} ops/s, "
                f"p50 {_ms(side['p50_ms'])} ms, p99 {_ms(side['p99_ms'])} ms"
            )
        console.print(
            f"replicas served {replica['served_by_replicas']:,} reads; read throughput with replicas "
            f"{replica['throughput_ratio']}x primary only (replicas share this machine's cores)"
        )
    for failure in doc["failures"]:
        console.print(f"[bold red]FAIL[/] {failure}", soft_wrap=True)
    for miss in doc["timing_misses"]:
        prefix = "[bold red]MISS[/]" if doc["timing_gates"] else "[yellow]miss (not gated at this scale)[/]"
        console.print(f"{prefix} {miss}", soft_wrap=True)
    base = doc.get("baseline") or {}
    if base.get("path"):
        console.print(
            f"baseline {base['path']}: {len(base['regressions'])} regressions beyond {base['factor']}x"
        )
        prefix = "[bold red]REGRESSION[/]" if base["gated"] else "[yellow]regression (not gated)[/]"
        for regression in base["regressions"]:
            console.print(f"{prefix} {regression}", soft_wrap=True)
        for note in base["notes"]:
            console.print(f"[dim]baseline: {note}[/]", soft_wrap=True)
    verdict = "[bold green]PASS" if doc["ok"] else "[bold red]FAIL"
    queries, contests = len(doc["queries"]), len(doc["side_by_side"])
    problems = len(doc["failures"]) + (len(doc["timing_misses"]) if doc["timing_gates"] else 0)
    gated = base.get("regressions", []) if base.get("gated") else []
    problems += len(gated)
    counted = f"{problems} {_plural(problems, 'failure')}; " if problems or not doc["ok"] else ""
    console.print(
        f"{verdict}[/]: {counted}measured {queries} {_plural(queries, 'query', 'queries')},"
        f" {contests} side-by-side {_plural(contests, 'workload')}"
    )


def _plural(count: int, one: str, many: str | None = None) -> str:
    return one if count == 1 else many or f"{one}s"


_SLOTTED_TABLES: dict[str, dict[str, Any]] = {  # the JSON key of a kind of slotted contest -> its table
    "monitoring": {
        "title": "what monitoring costs (p50 ms per call; ratios of medians with 95% bootstrap intervals)",
        "caption": "One held connection. off: statistics and tracing off; statistics: on (the default); "
        "tracing: statistics on and a span per call through the OpenTelemetry SDK (SimpleSpanProcessor "
        "into an in-memory exporter). A/A: raw asyncpg against itself. Orders: all 120 orders of the 5 "
        "slots equally often. Target: statistics on within the per-call target.",
        "slots": {"asyncpg": "asyncpg", "off": "off", "statistics": "statistics", "tracing": "tracing"},
        "ratios": {
            "statistics/off": "statistics_vs_off_ci",
            "tracing/off": "tracing_vs_off_ci",
            "statistics/asyncpg": "statistics_vs_asyncpg_ci",
        },
    },
    "rls": {
        "title": "row-level security (p50 ms per call; ratios of medians with 95% bootstrap intervals)",
        "caption": "Two held connections: the bench's superuser login (RLS does not apply) and the "
        "application role acting for the row's owner (every policy runs). A/A: raw asyncpg against "
        "itself. Orders: all 120 orders of the 5 slots equally often. Target: sqlfirst within the "
        "per-call target of raw asyncpg under the same role.",
        "slots": {
            "asyncpg": "asyncpg",
            "sqlfirst": "sqlfirst",
            "asyncpg RLS": "asyncpg_rls",
            "sqlfirst RLS": "sqlfirst_rls",
        },
        "ratios": {
            "RLS cost (raw)": "rls_cost_asyncpg_ci",
            "RLS cost (sqlfirst)": "rls_cost_sqlfirst_ci",
            "sqlfirst/asyncpg RLS": "rls_sqlfirst_vs_asyncpg_ci",
        },
    },
}


def _print_slotted(
    console: Console,
    results: list[dict[str, Any]],
    *,
    title: str,
    caption: str,
    slots: dict[str, str],
    ratios: dict[str, str],
) -> None:
    """The table of slotted contests (:mod:`sqlfirst.bench.slotted`): per workload the p50 of each
    slot (``slots``: column -> slot), the A/A control, the ratios (``ratios``: column -> JSON key),
    the target and the verdict."""
    table = Table(title=title, caption=caption)
    for col in ("workload", *slots, "A/A", *ratios, "target", ""):
        table.add_column(col, justify="left" if col in ("workload", "target", "") else "right")
    for r in results:
        if r["error"]:
            table.add_row(
                r["workload"], *["-"] * (1 + len(slots) + len(ratios)), "", f"[red]{r['error'][:60]}"
            )
            continue
        p = {k: v["p50_ms"] for k, v in r["slots"].items()}
        target = r["targets"]["max_ratio_vs_asyncpg"]
        table.add_row(
            r["workload"],
            *(_ms(p[slot]) for slot in slots.values()),
            _ci(r["aa_ci"]),
            *(_ci(r[key]) for key in ratios.values()),
            f"<={target}x raw" if target is not None else "",
            _verdict(r),
        )
    console.print(table)


def _verdict(result: dict[str, Any]) -> str:
    if result["failures"]:
        return "[red]FAILED"
    if not result["reliable"]:
        return "[yellow]UNRELIABLE"
    return "[green]met" if result["met"] else "[red]MISSED"


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
