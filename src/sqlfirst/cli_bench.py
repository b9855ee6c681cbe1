"""``sqlfirst bench``: :mod:`sqlfirst.bench` on the current project's workloads and budgets, behind the
``bench`` extra."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Annotated, Any

import typer

from sqlfirst import paths
from sqlfirst.cli_base import DatabaseUrl, Domains, app, expected_errors, out
from sqlfirst.errors import ConfigurationError
from sqlfirst.settings import Settings

SCALES = ("small", "medium", "large")

BENCH_EXTRA = {
    "sqlalchemy": "sqlalchemy",
    "greenlet": "greenlet",
    "matplotlib": "matplotlib",
    "numpy": "numpy",
    "opentelemetry_sdk": "opentelemetry.sdk",
}
"""Each distribution the ``bench`` extra installs, with the module it provides (``sqlalchemy[asyncio]``
brings greenlet)."""
BENCH_EXTRA_MODULES = frozenset(BENCH_EXTRA.values())


def _absent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return True


@app.command("bench")
@expected_errors
def bench(
    scale: Annotated[
        str,
        typer.Option("--scale", "-s", help="Dataset size: small (CI smoke run), medium, large (10x medium)."),
    ] = "medium",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write every figure to this JSON file.")
    ] = None,
    database_url: DatabaseUrl = None,
    database: Annotated[
        str | None,
        typer.Option(
            help="Bench database on that server (default: sqlfirst_bench_<scale> for the built-in domains,"
            " sqlfirst_bench_<project folder>_<path hash>_<scale> for a project of your own)."
        ),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Regenerate the dataset even if it is loaded.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 42,
    clients: Annotated[int, typer.Option(help="Concurrent clients in the concurrency test.")] = 32,
    duration: Annotated[
        float | None, typer.Option(help="Seconds of the concurrency test (default 30; 3 at small).")
    ] = None,
    iterations: Annotated[
        int | None, typer.Option(help="Calls per query (default 1000; 150 at small).")
    ] = None,
    plot: Annotated[
        bool, typer.Option("--plot/--no-plot", help="Write a PNG to benchmarks/results/.")
    ] = True,
    fail_on_timing: Annotated[
        bool | None,
        typer.Option(
            "--fail-on-timing/--no-fail-on-timing",
            help="Fail on budgets and ratio targets missed (default: on at medium/large, off at small).",
        ),
    ] = None,
    domain: Domains = None,
    save_baseline: Annotated[
        Path | None,
        typer.Option("--save-baseline", help="Save this machine's p50/p95 and concurrency figures here."),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(help="Open-loop arrivals per second (default: 60% of the closed loop's throughput)."),
    ] = None,
    statement_cache_size: Annotated[
        int,
        typer.Option(
            help="asyncpg statement cache size of the mixed pass's connection (asyncpg's default: 100)."
        ),
    ] = 100,
    mixed_calls: Annotated[
        int, typer.Option(help="Calls per query in the mixed pass, all queries interleaved (0 skips it).")
    ] = 20,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Compare with a saved baseline: fail when a p50/p95 is beyond 1.5x it (95% interval).",
        ),
    ] = None,
    replicas: Annotated[
        int,
        typer.Option(
            min=0,
            help="Start N streaming replicas of the embedded server and compare the concurrency mix's"
            " reads on the primary alone and routed to the replicas (embedded server only).",
        ),
    ] = 0,
) -> None:
    """Latency budgets for every hot query, plans, side by side with asyncpg and SQLAlchemy, concurrency.

    Exits 1 when a query lacks a budget, a plan scans a big table or fails to prune, a workload or
    concurrent client errors, or (with timing gates on) a budget or ratio target is missed.
    """
    if scale not in SCALES:
        raise ConfigurationError(f"--scale is one of {', '.join(SCALES)}, got {scale!r}")
    if replicas and (database_url or Settings.from_env().database_url):
        raise ConfigurationError(
            "--replicas starts streaming replicas of the embedded server: run it without"
            " --database-url / DATABASE_URL"
        )
    runner = _bench_runner()
    options = runner.Options(
        scale=scale,
        seed=seed,
        database_url=database_url,
        database=database,
        fresh=fresh,
        json_path=json_path,
        plot=plot,
        clients=clients,
        duration_s=duration,
        iterations=iterations,
        fail_on_timing=fail_on_timing,
        domains=tuple(domain or ()),
        save_baseline=save_baseline,
        baseline=baseline,
        rate=rate,
        statement_cache_size=statement_cache_size,
        mixed_calls=mixed_calls,
        replicas=replicas,
    )
    code = runner.run(options, out)
    if code:
        raise typer.Exit(code)


def _missing_extra(module: str) -> ConfigurationError:
    return ConfigurationError(
        f"sqlfirst bench needs the bench extra ({module} is missing): pip install -e '.[bench]' "
        "in the sqlfirst checkout (or pip install 'sqlfirst[bench]')"
    )


def _bench_runner() -> Any:
    """Import :mod:`sqlfirst.bench.runner` lazily, once the ``bench`` extra is known to be installed
    (some of its modules are imported only half way through a run, e.g. matplotlib for the plot). The
    workloads and budgets are the current project's (``benchmarks/``, see :mod:`sqlfirst.project`)."""
    bench_dir = paths.benchmarks_dir()
    if not (bench_dir / "workloads").is_dir():
        raise ConfigurationError(
            f"no benchmark workloads at {bench_dir / 'workloads'}: a project's go in its benchmarks/ folder "
            "(workloads/<domain>/ defining BENCH, with its budgets.toml); the built-in domains' are in the "
            "sqlfirst repository (clone it and run `pip install -e '.[bench]'` there)"
        )
    missing = sorted(m for m in BENCH_EXTRA_MODULES if _absent(m))
    if missing:
        raise _missing_extra(", ".join(missing))
    try:
        return importlib.import_module("sqlfirst.bench.runner")
    except ModuleNotFoundError as exc:
        if exc.name and any(
            exc.name == m or m.startswith(exc.name + ".") or exc.name.startswith(m + ".")
            for m in BENCH_EXTRA_MODULES
        ):
            raise _missing_extra(exc.name) from exc
        raise
