"""What a domain contributes to ``sqlfirst bench``, and the rules that make coverage mechanical.

A domain plugs in with one folder, ``benchmarks/workloads/<domain>/``: its ``__init__`` defines
``BENCH = DomainBench(...)`` (its data generator, one :class:`QueryWorkload` per named query, its
side-by-side :class:`Contest` entries and its concurrency mix), its other modules split that by job,
and its ``budgets.toml`` holds one ``[<query name>]`` table per query and the targets of its
contests. A small domain may instead be one module, ``benchmarks/workloads/<domain>.py``, with its
budgets as ``[<domain>.<query name>]`` tables in ``benchmarks/budgets.toml``, which also holds the
``[settings]`` every domain shares (:func:`budget_files`).

The coverage rule (a run fails on any violation, whatever the scale):

* **every** named query of every domain with declarations (``sqlfirst.binding.DECLARATIONS``) is
  hot by default and needs a budget table with ``p95_ms``; a query that is deliberately not hot says
  so with ``cold = "<reason>"`` instead;
* every budgeted query needs a workload that measures it, and every workload a budget;
* a domain with declarations needs a workloads module.

So adding a query to ``sql/<domain>/`` without a budget fails the next bench run.
"""

from __future__ import annotations

import importlib
import importlib.util
import keyword
import pkgutil
import random
import sys
import tomllib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from sqlfirst import paths, project
from sqlfirst.binding import DECLARATIONS, Declaration
from sqlfirst.errors import ConfigurationError


def bench_dir() -> Path:
    """The current project's ``benchmarks/`` folder (:mod:`sqlfirst.project`): ``budgets.toml`` and
    the ``workloads`` package; the built-in domains' is the repository's."""
    return paths.benchmarks_dir()


ScaleName = Literal["small", "medium", "large"]
SCALES: dict[str, float] = {"small": 0.02, "medium": 1.0, "large": 10.0}
"""Row-count factor against the medium sizes each domain states."""

CONTENDERS = ("asyncpg", "sqlfirst", "sqlalchemy")

PENDING_CONTESTS: dict[str, str] = {}
"""Side-by-side workloads that a domain not yet merged will provide (contest name -> domain).

Hook: the domain adds ``Contest(name, ...)`` to ``BENCH.contests`` in
``benchmarks/workloads/<domain>/`` and a ``[side_by_side.<name>]`` table to its budgets.toml; until
then the report lists it as pending instead of failing. (deals' ``token_deduction`` has arrived.)
"""

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TableLoad:
    """One table to fill with COPY: its columns and a factory of row tuples in that order."""

    table: str
    """``schema.table``."""
    columns: tuple[str, ...]
    rows: int
    records: Callable[[], Iterator[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class QueryWorkload:
    """How to call one named query with realistic, varied parameters.

    ``params(samples, rng)`` returns the declaration's keyword arguments drawn from the generated
    data. ``prepare`` (optional, untimed) runs before each call, e.g. to create the row a delete will
    remove, and returns the keyword arguments instead.
    """

    query: str
    params: Callable[[Any, random.Random], Params]
    prepare: Callable[[Any, Any, random.Random], Awaitable[Params]] | None = None
    heavy: Callable[[Any, random.Random], Params] | None = None
    """Optional: parameters for the heaviest keys of the data (the user with the most sessions, the
    most common category), added to the plan check's draws so the worst case is checked too."""
    role: Literal["app", "worker"] = "app"
    """``worker``: a queue or maintenance query that works across tenants, measured as the domain's
    ``worker_role`` (which bypasses row-level security) instead of its ``app_role``."""
    acting: Callable[[Any, Params], Awaitable[Any]] | None = None
    """``await acting(conn, params)``: the user who owns a draw's rows (untimed, on the bench's login),
    when neither a ``user_id`` argument nor ``DomainBench.owners`` tells (sqlfirst.bench.callers)."""
    unavailable: Callable[[Any], str | None] | None = None
    """``unavailable(samples)``: why this query cannot run on this server (an extension it needs is
    missing, say), or None. The run then leaves it out, reports it as not measured with that reason,
    and does not count it a coverage failure; nothing else about the domain changes."""


def measurable(bench: DomainBench, samples: Any) -> tuple[list[QueryWorkload], dict[str, str]]:
    """``bench``'s workloads that can run with these ``samples``, and why each other one cannot
    (query name -> reason, from :attr:`QueryWorkload.unavailable`)."""
    runnable: list[QueryWorkload] = []
    skipped: dict[str, str] = {}
    for workload in bench.queries:
        reason = workload.unavailable(samples) if workload.unavailable is not None else None
        if reason:
            skipped[workload.query] = reason
        else:
            runnable.append(workload)
    return runnable, skipped


def as_worker(queries: Sequence[QueryWorkload], names: Iterable[str]) -> tuple[QueryWorkload, ...]:
    """``queries`` with those ``names`` marked ``role="worker"`` (queue and maintenance queries that
    work across tenants); a name with no workload is a ConfigurationError."""
    return _amended(queries, names, "as_worker", role="worker")


def acting_for(
    queries: Sequence[QueryWorkload], names: Iterable[str], acting: Callable[[Any, Params], Awaitable[Any]]
) -> tuple[QueryWorkload, ...]:
    """``queries`` with those ``names`` acting for ``acting(conn, params)`` (see QueryWorkload.acting)."""
    return _amended(queries, names, "acting_for", acting=acting)


def _amended(
    queries: Sequence[QueryWorkload], names: Iterable[str], by: str, **changes: Any
) -> tuple[QueryWorkload, ...]:
    wanted = set(names)
    unknown = wanted - {w.query for w in queries}
    if unknown:
        raise ConfigurationError(f"{by}: no workload for {', '.join(sorted(unknown))}")
    return tuple(replace(w, **changes) if w.query in wanted else w for w in queries)


@dataclass(frozen=True, slots=True)
class Contender:
    """One way to run a contest: ``prepare`` builds the input (untimed), ``call`` is what is timed.

    Each contest runs on two footings (sqlfirst.bench.sidebyside): ``held``, where ``ctx.conn`` is one
    connection, and ``pool``, where ``ctx.conn`` is sqlfirst's asyncpg pool. A contender should use
    only what both offer (``fetch``, ``fetchrow``, ``fetchval``, ``execute``,
    ``copy_records_to_table``, repository functions) and ``ctx.orm.sessions()`` for the ORM.
    """

    call: Callable[[Any, Any], Awaitable[object]]
    prepare: Callable[[Any, random.Random], Awaitable[Any]] | None = None


@dataclass(frozen=True, slots=True)
class Contest:
    """The same workload through raw asyncpg, sqlfirst and SQLAlchemy (keys of ``contenders``)."""

    name: str
    description: str
    contenders: Mapping[str, Contender]
    rows_per_call: int = 1
    iterations: int = 400
    """Calls per contender at medium scale (scaled down at small)."""
    shared_input: bool = False
    """Read-only workloads: each round draws its inputs once (with the first contender's ``prepare``,
    which every contender must share) and hands the same ones to all contenders, so they read the same
    rows and the cold-cache luck of a draw never favours one of them."""
    comparison: Literal["layer", "design"] = "layer"
    """``layer``: the contenders send the same statements, so the ratios measure what each layer costs.
    ``design``: they do the job differently (e.g. one SQL-function round trip against an ORM's
    multi-statement transaction); the report labels the ratio a design comparison."""
    note: str = ""
    """One line the report prints under a ``design`` comparison: what differs."""
    acting: Callable[[Any, Any], Awaitable[Any]] | None = None
    """``acting(ctx, input)``: the user who owns a drawn input's rows (untimed), for the contest run
    as the application role under row-level security (sqlfirst.bench.rls_cost)."""


@dataclass(frozen=True, slots=True)
class BatchContest:
    """``keys`` lookups three ways on one held connection: one ``single`` call per key, one
    ``batch`` call for all keys (one round trip), and ``keys`` concurrent loads coalesced by
    :class:`sqlfirst.loader.Loader` over ``batch``. Reported as speedups over the single calls."""

    name: str
    description: str
    draw: Callable[[Any, random.Random], Any]
    """``draw(samples, rng)``: one key."""
    single: Callable[[Any, Any], Awaitable[object]]
    """``await single(conn, key)``."""
    batch: Callable[[Any, list[Any]], Awaitable[Sequence[object]]]
    """``await batch(conn, keys)``: one result per key, in order."""
    keys: int = 50
    iterations: int = 300


@dataclass(frozen=True, slots=True)
class HotRow:
    """Every concurrent client on the *same* row: ``key(samples)`` picks it; clients take the
    ``calls`` (query name, ``params(key, rng)``) in turn, so a pair like deduct/reward leaves the row
    as it found it. Measures what the row lock costs under contention."""

    name: str
    description: str
    key: Callable[[Any], Any]
    calls: Sequence[tuple[str, Callable[[Any, random.Random], Params]]]


@dataclass(frozen=True, slots=True)
class DomainBench:
    """Everything one domain contributes to the benchmark run."""

    domain: str
    tables: Callable[[float, int], list[TableLoad]]
    """``tables(scale_factor, seed)``: what to COPY, in foreign-key order."""
    sample: Callable[[Any, random.Random], Awaitable[Any]]
    """``await sample(conn, rng)``: parameters drawn from the loaded data (ids, names, cursors)."""
    queries: Sequence[QueryWorkload]
    contests: Sequence[Contest] = ()
    mix: Mapping[str, int] = field(default_factory=dict)
    """Concurrency mix: query name -> weight."""
    orm_setup: Callable[[str], Awaitable[Any]] | None = None
    """``await orm_setup(url)`` -> the SQLAlchemy state the contests' sqlalchemy contenders use."""
    cleanup: Callable[[Any], Awaitable[None]] | None = None
    """``await cleanup(conn)`` after the contests: remove bulk rows so reruns keep the dataset's size."""
    version: int = 1
    """Bump when the generator changes so stored datasets are rebuilt."""
    before_load: Callable[[Any, float, int], Awaitable[None]] | None = None
    """``await before_load(conn, scale_factor, seed)`` on the loading connection, after the domain's
    tables are emptied and before the COPY: e.g. create the partitions the generated rows fall in, or
    turn off triggers whose derived data the generator writes itself."""
    after_load: Callable[[Any], Awaitable[None]] | None = None
    """``await after_load(conn)`` once the COPY is over (also when it failed): undo ``before_load``."""
    batches: Sequence[BatchContest] = ()
    """Batched forms of hot keyed lookups, measured against one call per key (see BatchContest)."""
    hot_rows: Sequence[HotRow] = ()
    """Hot-row contention cases (one user's tokens, one market's rate limit)."""
    app_role: str | None = None
    """The role the per-query measurements run as (``SET ROLE``), under row-level security acting for
    the user who owns each draw (sqlfirst.bench.callers); None: the bench's login."""
    worker_role: str | None = None
    """The role of the workloads marked ``role="worker"``; None: the bench's login."""
    owners: Mapping[str, str] = field(default_factory=dict)
    """``"<parameter>"`` or ``"<entity>.<parameter>"`` -> SQL of one parameter ``$1`` returning the user
    who owns the row that argument names: the acting user of a draw without a ``user_id`` argument."""


@dataclass(frozen=True, slots=True)
class Budget:
    domain: str
    query: str
    p95_ms: float | None
    cold: str | None
    allow_seq_scan: str | None
    prunes: bool | None
    max_partitions: int | None
    plan_exception: str | None = None
    max_removed_per_row: float | None = None
    max_blocks_per_row: float | None = None
    plan_reason: str | None = None
    """Why this query's per-row ceilings differ from [settings] (required with either override)."""


@dataclass(frozen=True, slots=True)
class ContestTarget:
    max_ratio_vs_asyncpg: float | None = None
    min_speedup_vs_sqlalchemy: float | None = None
    min_throughput_vs_asyncpg: float | None = None


@dataclass(frozen=True, slots=True)
class Budgets:
    queries: dict[tuple[str, str], Budget]
    contests: dict[str, ContestTarget]
    plan_seq_scan_rows: int
    max_removed_per_row: float = 10.0
    max_blocks_per_row: float = 10.0
    plan_slack_rows: int = 1000
    plan_slack_blocks: int = 64
    plan_draws: int = 6
    batching: dict[str, float] = field(default_factory=dict)
    """``[batching.<name>] min_speedup = N``: batched lookups at least N× faster than single calls."""
    monitoring: dict[str, float | None] = field(default_factory=dict)
    """``[monitoring.<contest>] max_ratio_vs_asyncpg = N``: the side-by-side contests whose monitoring
    cost is measured (sqlfirst.bench.monitoring_cost), and the per-call target with statistics on."""
    rls: dict[str, float | None] = field(default_factory=dict)
    """``[rls.<contest>] max_ratio_vs_asyncpg = N``: the side-by-side contests also run as the
    application role under row-level security (sqlfirst.bench.rls_cost), and the per-call target there."""


TARGET_SECTIONS = ("side_by_side", "batching", "monitoring", "rls")
"""Tables of contest targets; every other table of a domain's budgets.toml is a query's budget."""

_Kind = Literal["number", "integer", "reason", "bool"]
_RATIO: dict[str, _Kind] = {"max_ratio_vs_asyncpg": "number"}
KEYS: dict[str, dict[str, _Kind]] = {
    "settings": {
        "seq_scan_rows": "integer",
        "max_removed_per_row": "number",
        "max_blocks_per_row": "number",
        "plan_slack_rows": "integer",
        "plan_slack_blocks": "integer",
        "plan_draws": "integer",
    },
    "side_by_side": {
        "max_ratio_vs_asyncpg": "number",
        "min_speedup_vs_sqlalchemy": "number",
        "min_throughput_vs_asyncpg": "number",
    },
    "batching": {"min_speedup": "number"},
    "monitoring": _RATIO,
    "rls": _RATIO,
    "query": {
        "p95_ms": "number",
        "cold": "reason",
        "allow_seq_scan": "reason",
        "prunes": "bool",
        "max_partitions": "integer",
        "plan_exception": "reason",
        "max_removed_per_row": "number",
        "max_blocks_per_row": "number",
        "plan_reason": "reason",
    },
}
"""The keys each kind of budget table takes, and what their values are."""
REQUIRED: dict[str, tuple[str, ...]] = {"batching": ("min_speedup",)}

_KIND_TEXT = {
    "number": "a number",
    "integer": "a whole number",
    "reason": "a non-empty string (the reason)",
    "bool": "true or false",
}


def _fits(value: object, kind: _Kind) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int)
    if kind == "number":
        return isinstance(value, int | float)
    return isinstance(value, str) and bool(value.strip())


def check_table(path: Path, title: str, kind: str, table: Mapping[str, Any]) -> None:
    """A budget table's keys are known and their values of the right type, else a
    :class:`ConfigurationError` naming the file, the table (``title``, as written) and the key."""
    known = KEYS[kind]
    for key, value in table.items():
        if key not in known:
            raise ConfigurationError(
                f"{path}: [{title}] has an unknown key {key!r} (known: {', '.join(known)})"
            )
        if not _fits(value, known[key]):
            raise ConfigurationError(
                f"{path}: [{title}] {key} must be {_KIND_TEXT[known[key]]}, not {value!r}"
            )
    for key in REQUIRED.get(kind, ()):
        if key not in table:
            raise ConfigurationError(f"{path}: [{title}] needs {key}")


def budget_files(folder: Path | None = None, shared: Path | None = None) -> list[tuple[str | None, Path]]:
    """The budgets of a benchmarks folder: its own ``budgets.toml`` (or ``shared``; domain ``None``:
    tables written ``[<domain>.<query>]``) and each ``workloads/<domain>/budgets.toml`` (``[<query>]``)."""
    folder = folder or bench_dir()
    shared = shared or folder / "budgets.toml"
    files: list[tuple[str | None, Path]] = []
    if shared.is_file():
        files.append((None, shared))
    workloads = folder / "workloads"
    if workloads.is_dir():
        files += [
            (sub.name, sub / "budgets.toml")
            for sub in sorted(workloads.iterdir())
            if (sub / "budgets.toml").is_file()
        ]
    return files


def budget_tables(folder: Path | None = None, shared: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every budget table of a benchmarks folder (:func:`budget_files`) merged in one shape:
    ``settings``, the target sections, and ``{domain: {query: table}}``. A table that stands in two
    files, or a domain file's query named like a target section, is a :class:`ConfigurationError`."""
    merged: dict[str, dict[str, Any]] = {}
    where: dict[tuple[str, str], Path] = {}
    for domain, path in budget_files(folder, shared):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path}: not valid TOML: {exc}") from exc
        if domain is not None:
            if "settings" in data:
                raise ConfigurationError(f"{path}: [settings] belongs in {path.parents[2] / 'budgets.toml'}")
            queries = {k: v for k, v in data.items() if k not in TARGET_SECTIONS}
            data = {k: v for k, v in data.items() if k in TARGET_SECTIONS} | {domain: queries}
        for section, tables in data.items():
            if not isinstance(tables, dict):
                raise ConfigurationError(f"{path}: {section!r} must be a table, not {tables!r}")
            into = merged.setdefault(section, {})
            if section == "settings":
                check_table(path, "settings", "settings", tables)
            for name, table in tables.items():
                if section == "settings":
                    into[name] = table
                    continue
                if name in into:
                    raise ConfigurationError(
                        f"[{section}.{name}] stands in both {where[(section, name)]} and {path}: "
                        "a budget may stand in one place only"
                    )
                if not isinstance(table, dict):
                    raise ConfigurationError(f"{path}: [{section}.{name}] must be a table, not {table!r}")
                title = name if domain is not None and section == domain else f"{section}.{name}"
                check_table(path, title, section if section in TARGET_SECTIONS else "query", table)
                into[name] = table
                where[(section, name)] = path
    return merged


def load_budgets(path: Path | None = None) -> Budgets:
    """Parse the budgets of a benchmarks folder (see benchmarks/budgets.toml for the format): the
    current project's by default, else ``path``: a benchmarks folder, or a shared budgets file read
    with the ``workloads/<domain>/budgets.toml`` beside it."""
    folder = bench_dir() if path is None else path if path.is_dir() else path.parent
    shared = path if path is not None and not path.is_dir() else None
    if shared is not None and not shared.is_file():
        raise ConfigurationError(f"no budgets file at {shared}")
    if not budget_files(folder, shared):
        raise ConfigurationError(
            f"no budgets at {folder / 'budgets.toml'} or {folder / 'workloads'}/<domain>/budgets.toml: "
            "every hot query needs a p95_ms"
        )
    data = budget_tables(folder, shared)
    settings = data.pop("settings", {})
    contests_raw = data.pop("side_by_side", {})
    batching = {name: float(entry["min_speedup"]) for name, entry in data.pop("batching", {}).items()}
    monitoring, rls = (
        {
            name: float(entry["max_ratio_vs_asyncpg"]) if "max_ratio_vs_asyncpg" in entry else None
            for name, entry in data.pop(section, {}).items()
        }
        for section in ("monitoring", "rls")
    )
    queries: dict[tuple[str, str], Budget] = {}
    for domain, entries in data.items():
        for query, entry in entries.items():
            queries[(domain, query)] = Budget(
                domain=domain,
                query=query,
                p95_ms=float(entry["p95_ms"]) if "p95_ms" in entry else None,
                cold=entry.get("cold"),
                allow_seq_scan=entry.get("allow_seq_scan"),
                prunes=entry.get("prunes"),
                max_partitions=entry.get("max_partitions"),
                plan_exception=entry.get("plan_exception"),
                max_removed_per_row=entry.get("max_removed_per_row"),
                max_blocks_per_row=entry.get("max_blocks_per_row"),
                plan_reason=entry.get("plan_reason"),
            )
    contests = {
        name: ContestTarget(
            max_ratio_vs_asyncpg=entry.get("max_ratio_vs_asyncpg"),
            min_speedup_vs_sqlalchemy=entry.get("min_speedup_vs_sqlalchemy"),
            min_throughput_vs_asyncpg=entry.get("min_throughput_vs_asyncpg"),
        )
        for name, entry in contests_raw.items()
    }
    return Budgets(
        queries=queries,
        contests=contests,
        plan_seq_scan_rows=int(settings.get("seq_scan_rows", 10_000)),
        max_removed_per_row=float(settings.get("max_removed_per_row", 10.0)),
        max_blocks_per_row=float(settings.get("max_blocks_per_row", 10.0)),
        plan_slack_rows=int(settings.get("plan_slack_rows", 1000)),
        plan_slack_blocks=int(settings.get("plan_slack_blocks", 64)),
        plan_draws=int(settings.get("plan_draws", 6)),
        batching=batching,
        monitoring=monitoring,
        rls=rls,
    )


def declared_domains() -> list[str]:
    """The project's own domains with named queries, their Python modules imported so every declaration
    is registered. Built-in domains a project includes are not its to benchmark (their workloads and
    budgets are in sqlfirst's repository), so the coverage rule asks nothing of them."""
    project.import_declarations()
    own = project.current().own_domain_names
    return [d for d in paths.domains() if d in own]


def declarations(domain: str) -> dict[str, Declaration]:
    """The domain's declarations by query name (query names are unique within a domain)."""
    result: dict[str, Declaration] = {}
    for (dom, _entity, name), decl in DECLARATIONS.items():
        if dom == domain:
            if name in result:
                raise ValueError(f"query name {name!r} appears twice in domain {domain}")
            result[name] = decl
    return result


def discover() -> dict[str, DomainBench]:
    """Every ``benchmarks/workloads/<domain>/`` package (or ``<domain>.py`` module) of the current project
    that defines ``BENCH``; the folder's parent goes on ``sys.path`` so it imports as a package."""
    folder = bench_dir()
    if not (folder / "workloads").is_dir():
        raise ConfigurationError(
            f"no benchmark workloads at {folder / 'workloads'}: a project benchmarks its domains with "
            "benchmarks/workloads/<domain>/ defining BENCH, with its budgets.toml (the built-in "
            "domains' are in the sqlfirst repository's benchmarks/)"
        )
    if not folder.name.isidentifier() or keyword.iskeyword(folder.name):
        raise ConfigurationError(
            f"{folder}: the benchmarks folder imports as a package, so its name must be a Python identifier"
        )
    if str(folder.parent) not in sys.path:
        sys.path.insert(0, str(folder.parent))
    shadowed = ConfigurationError(
        f"{folder.name}.workloads does not import from {folder / 'workloads'}: another module named"
        f" {folder.name!r} comes first (an installed package or the standard library); rename the"
        " benchmarks folder (and `benchmarks` in [tool.sqlfirst])"
    )
    try:
        spec = importlib.util.find_spec(folder.name)
    except (ImportError, ValueError) as exc:
        raise shadowed from exc
    locations = [] if spec is None else list(spec.submodule_search_locations or [])
    if not any(Path(entry).resolve() == folder.resolve() for entry in locations):
        raise shadowed
    package = _imported(f"{folder.name}.workloads", folder / "workloads")
    if not any(Path(entry).resolve() == (folder / "workloads").resolve() for entry in package.__path__):
        raise shadowed
    found: dict[str, DomainBench] = {}
    for info in pkgutil.iter_modules(package.__path__):
        shown = folder / "workloads" / (info.name if info.ispkg else f"{info.name}.py")
        module = _imported(f"{package.__name__}.{info.name}", shown)
        bench = getattr(module, "BENCH", None)
        if isinstance(bench, DomainBench):
            found[bench.domain] = bench
    return found


def _imported(name: str, path: Path) -> Any:
    """Import the project's module ``name`` (at ``path``); what its code raises names the file."""
    try:
        return importlib.import_module(name)
    except Exception as exc:
        text = " ".join(str(exc).split())
        raise ConfigurationError(f"{_shown(path)}: cannot import: {type(exc).__name__}: {text}") from exc


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def coverage_problems(
    domains: Sequence[str], benches: Mapping[str, DomainBench], budgets: Budgets
) -> list[str]:
    """Violations of the coverage rule in the module docstring; empty when every hot query is budgeted."""
    problems: list[str] = []
    for domain in domains:
        decls = declarations(domain)
        bench = benches.get(domain)
        if bench is None:
            problems.append(f"{domain}: no benchmarks/workloads/{domain}/ (or {domain}.py) defining BENCH")
            continue
        measured = {w.query for w in bench.queries}
        for name in sorted(decls):
            budget = budgets.queries.get((domain, name))
            if budget is None:
                problems.append(f"{domain}.{name}: hot query without a budget ({domain}/budgets.toml)")
            elif budget.p95_ms is None and not budget.cold:
                problems.append(f"{domain}.{name}: budget entry needs p95_ms (or cold = 'reason')")
            elif (
                budget.max_removed_per_row is not None or budget.max_blocks_per_row is not None
            ) and not budget.plan_reason:
                problems.append(f"{domain}.{name}: a per-row plan ceiling override needs plan_reason")
            elif budget.p95_ms is not None and name not in measured:
                problems.append(f"{domain}.{name}: budgeted but no workload measures it")
        for name in sorted(measured - set(decls)):
            problems.append(f"{domain}.{name}: workload for a query that is not declared")
        for (dom, name), budget in budgets.queries.items():
            if dom == domain and name not in decls:
                problems.append(f"{domain}.{name}: budget for a query that does not exist")
            if dom == domain and name in measured and budget.p95_ms is None:
                problems.append(f"{domain}.{name}: measured but marked cold")
    for domain in benches:
        if domain not in domains:
            problems.append(f"{domain}: workloads module for a domain without named queries")
    return problems
