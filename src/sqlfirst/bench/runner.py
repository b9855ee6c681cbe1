"""``sqlfirst bench``: one run that answers "is every query fast enough at realistic size, and what
does this layer cost over the driver and against an ORM".

Steps: check that every hot query has a budget; create (or reuse) the bench database on the server
(``DATABASE_URL``, else the embedded PostgreSQL), migrate it, generate the dataset at the scale with
COPY unless the same scale and seed are already loaded; time every budgeted query and check its plan;
run the side-by-side contests, what monitoring (statistics, tracing) costs on the point lookup and
the page of 50, and the same two as the application role under row-level security; run the
concurrency test; print, write JSON and the plot.

Exit status: 0 when everything passed; 1 on any failure. Structural failures (a hot query without a
budget, a plan that scans a big table or does not prune, a workload error, an error or pool timeout
under concurrency) always fail. Timing misses (p95 over budget, a ratio target missed) fail only
when timing gates are on: by default at ``medium`` and ``large`` scale, off at ``small`` (CI's smoke
run, where numbers on a busy machine mean nothing); ``--fail-on-timing/--no-fail-on-timing`` overrides.

JSON (``--json PATH``, schema ``sqlfirst-bench/1``; times in ms)::

    {schema, finished_at, scale, seed, timing_gates, ok,
     server: {url, version}, machine: {cpus, python, platform},
     dataset: {reused, tables: [{table, rows, seconds, rows_per_s}]},
     queries: [{domain, query, function, calls, p50_ms, p95_ms, p99_ms, mean_ms, max_ms,
                budget_p95_ms, within_budget, error,
                plan: {ok, problems, seq_scans, indexes, partitions: {root: {scanned, total}},
                       costs: {custom|generic: {rows, removed, blocks, removed_per_row,
                                                blocks_per_row, nodes}}},
                hot: {calls, p50_ms, p95_ms, p99_ms, mean_ms, max_ms}}],
     side_by_side: [{domain, workload, footing: held|pool, comparison: layer|design, note,
                     description, rows_per_call, error,
                     contenders: {asyncpg|asyncpg_aa|sqlfirst|sqlalchemy: {calls, p50_ms, p95_ms,
                                                          p99_ms, mean_ms, max_ms, rows_per_s}},
                     ratio_vs_asyncpg, ratio_ci: [value, low, high], aa_ratio, aa_ci,
                     aa_family_ci (its 99.5% interval), reliable,
                     speedup_vs_sqlalchemy, speedup_ci, throughput_vs_asyncpg,
                     orders: {rounds, of, balanced},
                     targets: {max_ratio_vs_asyncpg, min_speedup_vs_sqlalchemy,
                               min_throughput_vs_asyncpg},
                     met, misses}],
     monitoring: [{domain, workload, footing: held, description, rows_per_call, error,
                   slots: {asyncpg|asyncpg_aa|off|statistics|tracing: {calls, p50_ms, ...}},
                   aa_ci, statistics_vs_off_ci, tracing_vs_off_ci, tracing_vs_statistics_ci,
                   off_vs_asyncpg_ci, statistics_vs_asyncpg_ci, tracing_vs_asyncpg_ci: [value, low, high],
                   reliable, orders: {rounds, of, balanced}, spans, counted,
                   targets: {max_ratio_vs_asyncpg}, met, failures, misses}],
     rls: [{domain, workload, footing: held, role, description, rows_per_call, error,
            slots: {asyncpg|asyncpg_aa|sqlfirst|asyncpg_rls|sqlfirst_rls: {calls, p50_ms, ...}},
            aa_ci, sqlfirst_vs_asyncpg_ci, rls_sqlfirst_vs_asyncpg_ci, rls_cost_asyncpg_ci,
            rls_cost_sqlfirst_ci: [value, low, high], reliable, orders, compared, differed, rows,
            targets: {max_ratio_vs_asyncpg}, met, failures, misses}],
     batching: [{domain, name, description, keys, error, slots: {single|batch|loader: {calls,
                 p50_ms, ...}}, speedup_ci: [value, low, high], loader_speedup_ci, min_speedup, met}],
     mixed: {statement_cache_size, calls, seconds, queries: {domain.query: {calls, p50_ms, ...}}},
     pending_side_by_side: {workload: domain},
     not_measured: {domain.query: reason}  (queries this server cannot run, e.g. without pgvector),
     concurrency: {clients, pool_max_size, seconds, operations, throughput_ops_s,
                   p50_ms, p95_ms, p99_ms, mean_ms, max_ms, errors: {type: count}, pool_timeouts},
     open_loop: {rate_ops_s, seconds, arrivals, completed, throughput_ops_s, p50_ms, p95_ms,
                 p99_ms, mean_ms, max_ms, max_in_flight, errors, pool_timeouts},
     hot_rows: [{domain, name, description, clients, seconds, operations, throughput_ops_s,
                 p50_ms, p95_ms, p99_ms, mean_ms, max_ms, errors}],
     replica_reads: null | {replicas, queries: [str], order, primary_only, with_replicas (each like
                    concurrency), served_by_replicas, throughput_ratio, error}  (--replicas N),
     failures: [str], timing_misses: [str],
     baseline: {path, factor, gated, regressions: [str], notes: [str]}}

``--save-baseline PATH`` writes this machine's p50/p95 (with intervals) and concurrency figures;
``--baseline PATH`` compares with them (see :mod:`sqlfirst.bench.baseline`).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import importlib.metadata
import os
import platform
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from rich.console import Console

from sqlfirst import binding, embedded, project
from sqlfirst.db import connect_one, create_pool
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate import IntegrityError, Migrator
from sqlfirst.settings import Settings, normalize_url, redact

from . import baseline, callers, registry
from .batching import run_batch_contest
from .callers import APP_ROLE
from .concurrency import run_concurrency, run_hot_row, run_open_loop
from .dataset import TableResult, dataset
from .measure import PlanGates, measure_queries
from .mixed import run_mixed
from .monitoring_cost import run_monitoring
from .plot import write_plots
from .registry import PENDING_CONTESTS, SCALES, ContestTarget
from .replica_reads import ReplicaComparison, run_replica_comparison
from .report import print_report, write_json
from .rls_cost import run_rls
from .sidebyside import run_contests
from .usercode import blamed

SCHEMA = "sqlfirst-bench/1"


@dataclass(frozen=True, slots=True)
class Options:
    scale: str = "medium"
    seed: int = 42
    database_url: str | None = None
    database: str | None = None
    fresh: bool = False
    json_path: Path | None = None
    plot: bool = True
    clients: int = 32
    duration_s: float | None = None
    iterations: int | None = None
    fail_on_timing: bool | None = None
    domains: tuple[str, ...] = ()
    save_baseline: Path | None = None
    rate: float | None = None
    statement_cache_size: int = 100
    """asyncpg's statement cache size on the mixed pass's connection (asyncpg's default: 100)."""
    mixed_calls: int = 20
    """Calls per query in the mixed pass (0 skips it)."""
    """Open-loop arrivals per second (default: 60% of the closed loop's throughput)."""
    baseline: Path | None = None
    replicas: int = 0
    """Streaming replicas of the embedded server for the read side by side (0: none)."""


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def ensure_database(server_url: str, name: str) -> tuple[str, bool]:
    """The URL of database ``name`` on the server, created if missing; and whether it existed."""
    admin = await connect_one(server_url)  # an unreachable server is DatabaseUnavailable, one line
    try:
        exists = bool(await admin.fetchval("select 1 from pg_database where datname = $1", name))
        if not exists:
            await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()
    return with_database(server_url, name), exists


def database_name(scale: str, current: project.Project | None = None) -> str:
    """The default bench database: ``sqlfirst_bench_<scale>`` for the built-in domains,
    ``sqlfirst_bench_<project>_<hash>_<scale>`` for a configured project (its folder's name as an
    identifier, shortened to fit PostgreSQL's 63 bytes, and 6 hex digits of its full path), so two
    projects never share one, not even two checkouts of the same name."""
    current = current or project.current()
    if current.is_builtin:
        return f"sqlfirst_bench_{scale}"
    slug = re.sub(r"[^a-z0-9]+", "_", current.root.name.lower()).strip("_") or "project"
    digest = hashlib.sha256(str(current.root.resolve()).encode()).hexdigest()[:6]
    room = 63 - len(f"sqlfirst_bench___{digest}_{scale}")
    return f"sqlfirst_bench_{slug[:room].rstrip('_')}_{digest}_{scale}"


def run(options: Options, console: Console | None = None) -> int:
    """Run the benchmark; return the exit status."""
    console = console or Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 150)  # logs and CI: keep the tables readable
    return asyncio.run(run_async(options, console))


async def _clean_up(pool: Any, benches: Mapping[str, registry.DomainBench]) -> None:
    """Each domain's ``cleanup``: the rows the workloads wrote go, so reruns measure the same dataset."""
    for bench in benches.values():
        if bench.cleanup is not None:
            async with pool.acquire() as conn:
                with blamed(f"{bench.domain}: BENCH.cleanup"):
                    await bench.cleanup(conn)


async def run_async(options: Options, console: Console) -> int:
    if options.scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}, got {options.scale!r}")
    factor = SCALES[options.scale]
    small = options.scale == "small"
    gates = options.fail_on_timing if options.fail_on_timing is not None else not small
    iterations = options.iterations or (150 if small else 1000)
    duration = options.duration_s if options.duration_s is not None else (3.0 if small else 30.0)
    failures: list[str] = []
    timing_misses: list[str] = []
    stored_baseline = baseline.load(options.baseline) if options.baseline is not None else None

    # 1. Coverage: every hot query of every domain has a budget and a workload.
    domains = registry.declared_domains()
    if options.domains:
        domains = [d for d in domains if d in options.domains]
    benches = {k: v for k, v in registry.discover().items() if k in domains}
    budgets = registry.load_budgets()
    failures += registry.coverage_problems(domains, benches, budgets)

    # 2. The bench database, migrated; the dataset at this scale.
    configured = options.database_url or Settings.from_env().database_url
    if options.replicas and configured:
        raise ValueError(
            "--replicas starts streaming replicas of the embedded server: run it without"
            " --database-url / DATABASE_URL"
        )
    server = normalize_url(configured) if configured else embedded.start()
    name = options.database or database_name(options.scale)
    url, existed = await ensure_database(server, name)
    console.print(f"bench database: {redact(url)}")
    try:
        Migrator(url).up()
    except IntegrityError as exc:
        if not existed:
            raise
        shown = "; ".join(str(p) for p in exc.problems[:3]) + ("; ..." if len(exc.problems) > 3 else "")
        raise ConfigurationError(
            f"the bench database {name} has {len(exc.problems)} applied migration(s) this project does"
            f" not have or has changed ({shown}): it may belong to another project; pass"
            " --database NAME to bench in a database of this project's own"
        ) from exc

    loaded: list[TableResult] = []
    reused = True
    plain = await asyncpg.connect(url)
    try:
        await plain.execute("set statement_timeout = 0")
        for bench in benches.values():
            tables, kept = await dataset(
                plain,
                bench,
                scale=options.scale,
                factor=factor,
                seed=options.seed,
                fresh=options.fresh,
                console=console,
            )
            loaded += tables
            reused = reused and kept
        server_version = await plain.fetchval("show server_version")
    finally:
        await plain.close()

    pool = await create_pool(Settings(database_url=url, statement_timeout_ms=60_000))
    replica_reads: ReplicaComparison | None = None
    orm_states: dict[str, Any] = {}
    try:
        # 3. Samples of real parameters.
        samples: dict[str, Any] = {}
        async with pool.acquire() as conn:
            for domain, bench in benches.items():
                with blamed(f"{domain}: BENCH.sample"):
                    samples[domain] = await bench.sample(conn, random.Random(options.seed))
        # What the process did before (generating the dataset or reusing it) must not change what a
        # call costs: the heap it leaves is collected and frozen out of the collector's reach, so
        # an allocation-heavy contender (the ORM) pays for its own garbage only.
        gc.collect()
        gc.freeze()

        # 4. Every budgeted query: latency and plan.
        items = []
        not_measured: dict[str, str] = {}
        for domain, bench in benches.items():
            decls = registry.declarations(domain)
            runnable, skipped = registry.measurable(bench, samples[domain])
            for name, reason in skipped.items():
                not_measured[f"{domain}.{name}"] = reason
                console.print(f"[yellow]{domain}.{name}: not measured: {reason}[/]")
            for workload in runnable:
                budget = budgets.queries.get((domain, workload.query))
                if workload.query in decls and budget is not None and budget.p95_ms is not None:
                    items.append((decls[workload.query], workload, budget, samples[domain], bench))
        role_pools = {
            role: await create_pool(
                Settings(database_url=url, role=role, min_size=1, max_size=1, statement_timeout_ms=60_000)
            )
            for role in sorted({r for bench in benches.values() for r in callers.roles(bench)})
        }
        try:
            queries = await measure_queries(
                pool,
                items,
                seed=options.seed,
                iterations=iterations,
                warmup=10 if small else 30,
                time_cap_s=1.0 if small else 4.0,
                seq_scan_rows=budgets.plan_seq_scan_rows,
                console=console,
                gates=PlanGates(
                    draws=budgets.plan_draws,
                    max_removed_per_row=budgets.max_removed_per_row,
                    max_blocks_per_row=budgets.max_blocks_per_row,
                    slack_rows=budgets.plan_slack_rows,
                    slack_blocks=budgets.plan_slack_blocks,
                ),
                roles=role_pools,
            )
        finally:
            for role_pool in role_pools.values():
                await role_pool.close()
        for q in queries:
            if q.error:
                failures.append(f"{q.domain}.{q.query}: workload failed: {q.error}")
            if not gates:
                # Rows discarded / blocks touched per returned row depend on the draws at small scale
                # (tables of a few thousand rows): reported like timings there, gated at medium/large.
                per_row = [p for p in q.plan.problems if " plan discards " in p or " plan touches " in p]
                q.plan.problems[:] = [p for p in q.plan.problems if p not in per_row]
                timing_misses += [f"{q.domain}.{q.query}: {p}" for p in per_row]
            failures += [f"{q.domain}.{q.query}: {p}" for p in q.plan.problems]
            if q.error is None and not q.within_budget:
                timing_misses.append(
                    f"{q.domain}.{q.query}: p95 {q.stats.p95_ms:.2f} ms > budget {q.budget_ms:g} ms"
                )

        # 4b. The mixed pass: all queries interleaved, the statement cache under pressure.
        mixed = None
        if options.mixed_calls > 0:
            console.print(
                f"mixed pass: {len(items)} queries x {options.mixed_calls} calls interleaved, "
                f"statement_cache_size={options.statement_cache_size} ..."
            )
            mixed = await run_mixed(
                url,
                [(decl, workload, smp) for decl, workload, _, smp, _ in items],
                statement_cache_size=options.statement_cache_size,
                calls_per_query=options.mixed_calls,
                seed=options.seed,
            )
            failures.extend(f"mixed pass {name}: {error}" for name, error in mixed.errors.items())

        # 5. Side by side.
        entries = []
        for domain, bench in benches.items():
            if bench.contests and bench.orm_setup is not None:
                with blamed(f"{domain}: BENCH.orm_setup"):
                    orm_states[domain] = await bench.orm_setup(url)
            for contest in bench.contests:
                target = budgets.contests.get(contest.name)
                if target is None:
                    failures.append(
                        f"side by side {contest.name}: "
                        f"no [side_by_side.{contest.name}] targets in budgets.toml"
                    )
                    target = ContestTarget()
                entries.append((domain, contest, target, samples[domain], orm_states.get(domain)))
        contests = await run_contests(pool, entries, factor=factor, seed=options.seed, console=console)

        # 5a. What monitoring costs: statistics and tracing on, against both off.
        known = {c.name for b in registry.discover().values() for c in b.contests}
        sections = (("monitoring", budgets.monitoring), ("rls", budgets.rls))
        failures += [
            f"{section} {name}: [{section}.{name}] in budgets.toml names no side-by-side contest"
            for section, names in sections
            for name in names
            if name not in known
        ]
        slotted = {  # the side-by-side contests each kind of slotted run takes, by budgets.toml
            section: [(d, c, s) for d, c, _, s, _ in entries if c.name in names]
            for section, names in sections
        }
        watched, monitored = slotted["monitoring"], []
        if watched:
            console.print(
                f"monitoring overhead: {_names(watched)} "
                "(statistics, tracing through the OpenTelemetry SDK, both off) ..."
            )
            async with pool.acquire() as conn:
                monitored = await run_monitoring(
                    conn, watched, budgets.monitoring, factor=factor, seed=options.seed
                )

        # 5b. The same contests as the application role under row-level security.
        secured, rls_results = slotted["rls"], []
        if secured:
            console.print(
                f"row-level security: {_names(secured)} as {APP_ROLE} against the same calls without it ..."
            )
            app_pool = await create_pool(
                Settings(database_url=url, role=APP_ROLE, min_size=1, max_size=1, statement_timeout_ms=60_000)
            )
            try:
                async with pool.acquire() as owner_conn, app_pool.acquire() as app_conn:
                    rls_results = await run_rls(
                        owner_conn, app_conn, secured, budgets.rls, factor=factor, seed=options.seed
                    )
            finally:
                await app_pool.close()
        for slotted_result in [*monitored, *rls_results]:
            failures += slotted_result.failures
            timing_misses += slotted_result.misses
        batches = []
        async with pool.acquire() as conn:
            for domain, bench in benches.items():
                for batch_contest in bench.batches:
                    batches.append(
                        await run_batch_contest(
                            conn,
                            domain,
                            batch_contest,
                            samples[domain],
                            min_speedup=budgets.batching.get(batch_contest.name),
                            factor=factor,
                            seed=options.seed,
                        )
                    )
        for b in batches:
            if b.error:
                failures.append(f"batching {b.name}: {b.error}")
            else:
                timing_misses += b.misses
        await _clean_up(pool, benches)  # the contests' rows, before concurrency measures the dataset
        for c in contests:
            if c.error:
                failures.append(f"side by side {c.name}: {c.error}")
            else:
                timing_misses += c.misses
        provided = {c.name for c in contests}
        pending = {n: d for n, d in PENDING_CONTESTS.items() if n not in provided}

        # 6. Concurrency.
        mix = []
        for domain, bench in benches.items():
            decls = registry.declarations(domain)
            by_name = {w.query: w for w in bench.queries}
            mix += [
                (decls[q], by_name[q], weight, samples[domain])
                for q, weight in bench.mix.items()
                if f"{domain}.{q}" not in not_measured
            ]
        concurrency = None
        if mix and options.clients > 0 and duration > 0:
            console.print(f"concurrency: {options.clients} clients for {duration:g} s ...")
            concurrency = await run_concurrency(
                pool, mix, clients=options.clients, duration_s=duration, seed=options.seed
            )
            if concurrency.errors:
                failures.append(f"concurrency: errors {concurrency.errors}")
            if concurrency.pool_timeouts:
                failures.append(f"concurrency: {concurrency.pool_timeouts} pool acquire timeouts")
            if concurrency.operations == 0:
                failures.append("concurrency: no operation completed")
        open_loop = None
        rate = options.rate or (0.6 * concurrency.throughput if concurrency else 0.0)
        if mix and rate > 0 and duration > 0:
            console.print(f"open loop: {rate:,.0f} arrivals/s for {duration:g} s ...")
            open_loop = await run_open_loop(pool, mix, rate=rate, duration_s=duration, seed=options.seed)
            if open_loop.errors:
                failures.append(f"open loop: errors {open_loop.errors}")
            if open_loop.pool_timeouts:
                failures.append(f"open loop: {open_loop.pool_timeouts} pool acquire timeouts")
        hot_rows = []
        if options.clients > 0 and duration > 0:
            for domain, bench in benches.items():
                for hot in bench.hot_rows:
                    console.print(f"hot row {hot.name}: {options.clients} clients for {duration / 2:g} s ...")
                    result = await run_hot_row(
                        pool,
                        domain,
                        hot,
                        registry.declarations(domain),
                        samples[domain],
                        clients=options.clients,
                        duration_s=duration / 2,
                        seed=options.seed,
                    )
                    hot_rows.append(result)
                    if result.errors:
                        failures.append(f"hot row {hot.name}: errors {result.errors}")
                    if result.stats.calls == 0:
                        failures.append(f"hot row {hot.name}: no operation completed")
        if options.replicas > 0 and mix and options.clients > 0 and duration > 0:
            console.print(f"replicas: {options.replicas} streaming replica(s), reads for {duration:g} s ...")
            replica_reads = await run_replica_comparison(
                url,
                name,
                options.replicas,
                mix,
                clients=options.clients,
                duration_s=duration,
                seed=options.seed,
            )
            if replica_reads.error:
                failures.append(f"replicas: {replica_reads.error}")
            for contender in (replica_reads.primary_only, replica_reads.with_replicas):
                if contender is not None and (contender.errors or contender.pool_timeouts):
                    failures.append(
                        f"replicas: errors {contender.errors}, {contender.pool_timeouts} acquire timeouts"
                    )
        await _clean_up(pool, benches)  # and what concurrency wrote: the next run finds the dataset as loaded
    finally:
        gc.unfreeze()
        for state in orm_states.values():
            await state.close()
        await pool.close()

    base_doc = baseline.document(
        scale=options.scale,
        seed=options.seed,
        server={"url": redact(url), "version": server_version},
        machine={"cpus": os.cpu_count(), "platform": platform.platform()},
        queries=queries,
        concurrency=concurrency,
        open_loop=open_loop,
        hot_rows=hot_rows,
    )
    regressions: list[str] = []
    baseline_notes: list[str] = []
    if stored_baseline is not None:
        found, baseline_notes = baseline.compare(stored_baseline, base_doc)
        regressions = [str(r) for r in found]
    if options.save_baseline is not None:
        baseline.save(options.save_baseline, base_doc)
        console.print(f"baseline saved: {options.save_baseline}")
    # A baseline is this machine's own: its regressions gate at any scale unless told not to.
    regression_gates = options.fail_on_timing if options.fail_on_timing is not None else True
    ok = not failures and (not gates or not timing_misses) and (not regression_gates or not regressions)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "finished_at": datetime.now(UTC).isoformat(),
        "scale": options.scale,
        "seed": options.seed,
        "timing_gates": gates,
        "ok": ok,
        "server": {"url": redact(url), "version": server_version},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # The C row builder (sqlfirst._speedups) or the pure-Python one: see sqlfirst.binding.
            "row_builder": "c" if binding.ACCELERATED else "python",
            "packages": {name: _version(name) for name in ("asyncpg", "pydantic", "sqlalchemy")},
        },
        "dataset": {"reused": reused, "tables": [t.as_json() for t in loaded]},
        "queries": [q.as_json() for q in queries],
        "side_by_side": [c.as_json() for c in contests],
        "monitoring": [m.as_json() for m in monitored],
        "rls": [r.as_json() for r in rls_results],
        "batching": [b.as_json() for b in batches],
        "mixed": mixed.as_json() if mixed else None,
        "pending_side_by_side": pending,
        "not_measured": not_measured,
        "concurrency": concurrency.as_json() if concurrency else None,
        "open_loop": open_loop.as_json() if open_loop else None,
        "hot_rows": [h.as_json() for h in hot_rows],
        "replica_reads": replica_reads.as_json() if replica_reads else None,
        "failures": failures,
        "timing_misses": timing_misses,
        "baseline": {
            "path": str(options.baseline) if options.baseline else None,
            "factor": baseline.FACTOR,
            "gated": regression_gates,
            "regressions": regressions,
            "notes": baseline_notes,
        },
    }
    print_report(console, doc)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if options.json_path is not None:
        write_json(options.json_path, doc)
        console.print(f"json: {options.json_path}")
    if options.plot:
        for png in write_plots(registry.bench_dir() / "results", f"bench-{options.scale}-{stamp}", doc):
            console.print(f"plot: {png}")
    return 0 if ok else 1


def _names(entries: list[tuple[str, registry.Contest, Any]]) -> str:
    """The contests of (domain, contest, samples) ``entries``, for the console."""
    return ", ".join(c.name for _, c, _ in entries)
