"""Per named query: statistics, a slow-query log, and OpenTelemetry spans.

Every typed function records its call here under its query's name (``deals.get_user_by_email``):

* **statistics**, on by default and dependency-free: calls, rows, errors by type, and a latency
  histogram in power-of-two buckets (so p50/p95/p99 are exact to within a factor of √2). Read them
  with :func:`stats` (one :class:`QueryStats` per query), clear them with :func:`reset`, turn them
  off with :func:`disable_statistics`. Recording costs two clock reads and a few additions per call
  (``sqlfirst bench`` measures it against statistics off);
* a **slow-query log**: one structured ``WARNING`` on the ``sqlfirst.slow`` logger for every call
  slower than :func:`set_slow_threshold` (default 1 s, seed 002's ceiling), with the query name, the
  duration, the rows and the acting user (:mod:`sqlfirst.acting`) when one is set, never a parameter value;
* **spans**, only after :func:`enable_tracing` (needs ``opentelemetry-api``; a span per call, named
  after the query, with OpenTelemetry's database attributes: system, namespace, operation, the server's
  address and port, the rows, and the error type and SQLSTATE on failure; the SQL text only when asked
  for, never a parameter value). Spans are created after the call from its measured start and end, so
  the call path itself carries no context manager.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlfirst.acting import ACTING_USER, acting_user
from sqlfirst.arguments import invalid_argument, is_flag, is_seconds

_speedups: Any
try:
    from sqlfirst import _speedups
except ImportError:  # installed without a C compiler: the counting runs in Python
    _speedups = None
if _speedups is not None and not hasattr(_speedups, "Tally"):  # a module built before it had them
    _speedups = None
if os.environ.get("SQLFIRST_PURE_PYTHON", "").strip().lower() in {"1", "true", "yes", "on"}:
    _speedups = None

__all__ = [
    "QueryStats",
    "acting_user",
    "disable_statistics",
    "disable_tracing",
    "enable_statistics",
    "enable_tracing",
    "reset",
    "set_slow_threshold",
    "stats",
]

_BUCKETS = 40  # 2**0 .. 2**39 ns: up to ~9 minutes
_slow_log = logging.getLogger("sqlfirst.slow")
_lock = threading.Lock()


@dataclass
class QueryStats:
    """What one named query did since the last :func:`reset`."""

    name: str
    calls: int = 0
    rows: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    total_ns: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * _BUCKETS)

    @property
    def mean_ms(self) -> float:
        return self.total_ns / self.calls / 1e6 if self.calls else 0.0

    def percentile_ms(self, q: float) -> float:
        """The ``q`` quantile (0..1) of the latency, in ms, to within a factor of √2."""
        if not self.calls:
            return 0.0
        wanted = q * self.calls
        seen = 0
        for index, count in enumerate(self.buckets):
            seen += count
            if seen >= wanted and count:
                return float(1 << index) * 1.4142135623730951 / 1e6  # the bucket's geometric middle
        return float(1 << _BUCKETS) / 1e6

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(0.50)

    @property
    def p95_ms(self) -> float:
        return self.percentile_ms(0.95)

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(0.99)


class _Recorder:
    """One named query's name, span attributes and statistics (``stats``: a :class:`QueryStats`,
    or the C accelerator's ``Tally`` with the same fields)."""

    __slots__ = ("attributes", "name", "namespace", "sql", "stats")

    def __init__(self, name: str, namespace: str, attributes: Mapping[str, Any], sql: str) -> None:
        self.name = name
        self.namespace = namespace
        self.stats: Any = _speedups.Tally(self) if _speedups is not None else QueryStats(name)
        self.attributes = dict(attributes)
        """The span attributes every call of this query shares."""
        self.sql = sql


_RECORDERS: dict[str, _Recorder] = {}
_slow_ns = 1_000_000_000
_counting = True
_tracer: Any = None
_otel: Any = None
"""``opentelemetry.trace``, imported by :func:`enable_tracing` (an optional dependency)."""
_with_sql = False
now: Callable[[], int] = _speedups.now if _speedups is not None else time.perf_counter_ns
"""The clock the generated functions read: CLOCK_MONOTONIC in ns (``time.perf_counter_ns``'s on
Linux; the C accelerator's own reading of it when compiled)."""


def recorder(name: str, *, namespace: str, operation: str, sql: str, collection: str | None = None) -> Any:
    """The slot the query ``name`` records its calls in, passed to :func:`done` and :func:`failed`
    (made once, when its function is bound)."""
    found = _RECORDERS.get(name)
    if found is None:
        attributes: dict[str, Any] = {
            "db.system.name": "postgresql",
            "db.system": "postgresql",  # the name before semantic conventions 1.30, still widely read
            "db.namespace": namespace,
            "db.operation.name": operation,
            "db.query.summary": name,
        }
        if collection is not None:
            attributes["db.collection.name"] = collection
        found = _RECORDERS[name] = _Recorder(name, namespace, attributes, sql)
    return found.stats if _speedups is not None else found


def _py_done(slot: _Recorder, started: int, rows: int, conn: object = None) -> None:
    elapsed = now() - started
    if _counting:
        s = slot.stats
        s.calls += 1
        s.rows += rows
        s.total_ns += elapsed
        s.buckets[min(elapsed.bit_length(), _BUCKETS - 1)] += 1
    if elapsed > _slow_ns or _tracer is not None:
        _after(slot, started, elapsed, rows, None, conn)


def _py_failed(slot: _Recorder, started: int, error: BaseException, conn: object = None) -> None:
    elapsed = now() - started
    if _counting:
        s = slot.stats
        kind = type(error).__name__
        s.calls += 1
        s.total_ns += elapsed
        s.buckets[min(elapsed.bit_length(), _BUCKETS - 1)] += 1
        s.errors[kind] = s.errors.get(kind, 0) + 1
    if elapsed > _slow_ns or _tracer is not None:
        _after(slot, started, elapsed, 0, error, conn)


def _after(
    slot: _Recorder, started: int, elapsed: int, rows: int, error: BaseException | None, conn: object
) -> None:
    """What a slow call or a call with spans on does besides counting (both paths call this)."""
    if elapsed > _slow_ns:
        _slow(slot, elapsed, rows, None if error is None else type(error).__name__)
    if _tracer is not None:
        _span(slot, started, elapsed, rows, error, conn)


done: Callable[[Any, int, int, object], None] = _speedups.done if _speedups is not None else _py_done
"""``done(slot, started, rows, conn)``: record a successful call on ``conn`` that began at
``started`` (:data:`now`) and touched ``rows`` rows."""
failed: Callable[[Any, int, BaseException, object], None] = (
    _speedups.failed if _speedups is not None else _py_failed
)
"""``failed(slot, started, error, conn)``: record a call on ``conn`` that raised ``error`` (the
sqlfirst error it raises)."""


def _configure() -> None:
    """Hand the settings to the C accelerator's done() and failed()."""
    if _speedups is not None:
        _speedups.configure(_counting, _slow_ns, _tracer is not None, _after)


def _slow(slot: _Recorder, elapsed: int, rows: int, error: str | None) -> None:
    user = ACTING_USER.get()
    _slow_log.warning(
        "slow query %s: %.1f ms, %d rows%s%s",
        slot.name,
        elapsed / 1e6,
        rows,
        f", user {user}" if user is not None else "",
        f", {error}" if error else "",
        extra={
            "query": slot.name,
            "duration_ms": round(elapsed / 1e6, 3),
            "rows": rows,
            "user": None if user is None else str(user),
            "error": error,
        },
    )


def server_of(conn: object) -> tuple[str | None, int | None, str | None]:
    """The server address, port and database of a connection, a pooled connection or a pool, as
    asyncpg holds them (no round trip); ``None`` where unknown. A Unix socket is its path, no port."""
    con: Any = conn
    holders = getattr(conn, "_holders", None)
    if holders is not None:  # an asyncpg Pool: its connections all reach the same server
        con = next((h._con for h in holders if getattr(h, "_con", None) is not None), None)
    else:
        con = getattr(conn, "_con", conn)  # a PoolConnectionProxy wraps the connection
    addr = getattr(con, "_addr", None)
    params = getattr(con, "_params", None)
    database = getattr(params, "database", None)
    if isinstance(addr, tuple) and len(addr) >= 2:
        return str(addr[0]), int(addr[1]), database
    if isinstance(addr, str):
        return addr, None, database
    return None, None, database


def _span(
    slot: _Recorder, started: int, elapsed: int, rows: int, error: BaseException | None, conn: object
) -> None:
    end_epoch = time.time_ns() - (now() - started - elapsed)
    attributes = dict(slot.attributes)
    address, port, database = server_of(conn)
    if address is not None:
        attributes["server.address"] = address
    if port is not None:
        attributes["server.port"] = port
    if database:
        attributes["db.namespace"] = f"{database}.{slot.namespace}"  # the schema, qualified by the database
    if _with_sql:
        attributes["db.query.text"] = slot.sql
    attributes["db.response.returned_rows"] = rows
    span = _tracer.start_span(
        slot.name, kind=_otel.SpanKind.CLIENT, start_time=end_epoch - elapsed, attributes=attributes
    )
    if error is not None:
        _mark_failed(span, error)
    span.end(end_time=end_epoch)


def _mark_failed(span: Any, error: BaseException) -> None:
    """The error's type and SQLSTATE on ``span``, and its status ERROR; never its message (messages
    name keys and values)."""
    kind = type(error).__name__
    span.set_attribute("error.type", kind)
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate:
        span.set_attribute("db.response.status_code", sqlstate)
    span.set_status(_otel.Status(_otel.StatusCode.ERROR, kind))


@contextmanager
def transaction_span(*, isolation: str, readonly: bool) -> Iterator[None]:
    """A ``transaction`` span around a caller's transaction (the parent of its queries' spans)
    when tracing is on; nothing otherwise.

    An error leaving the block (``NotFound``, ``Conflict``...) sets the span's ``error.type`` and
    status, never its message: messages name keys and values (``user not found (id=...)``), so the
    SDK's own exception event is turned off."""
    if _tracer is None:
        yield
        return
    with _tracer.start_as_current_span(
        "transaction",
        kind=_otel.SpanKind.CLIENT,
        attributes={
            "db.system.name": "postgresql",
            "db.system": "postgresql",
            "db.transaction.isolation": isolation,
            "db.readonly": readonly,
        },
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except BaseException as exc:
            _mark_failed(span, exc)
            raise


def stats() -> dict[str, QueryStats]:
    """A copy of every query's statistics since the last :func:`reset`, keyed by query name."""
    with _lock:
        return {
            name: QueryStats(
                name,
                slot.stats.calls,
                slot.stats.rows,
                dict(slot.stats.errors),
                slot.stats.total_ns,
                list(slot.stats.buckets),
            )
            for name, slot in sorted(_RECORDERS.items())
            if slot.stats.calls
        }


def reset() -> None:
    """Clear every query's statistics."""
    with _lock:
        for slot in _RECORDERS.values():
            if isinstance(slot.stats, QueryStats):
                slot.stats = QueryStats(slot.name)
            else:
                slot.stats.reset()


def set_slow_threshold(seconds: float) -> None:
    """Log calls slower than ``seconds`` on the ``sqlfirst.slow`` logger (default 1 s)."""
    global _slow_ns
    if not is_seconds(seconds, zero=True):
        raise invalid_argument("set_slow_threshold", "seconds", "a number of seconds, 0 or more", seconds)
    _slow_ns = int(float(seconds) * 1e9)
    _configure()


def disable_statistics() -> None:
    """Stop counting calls (the slow-query log and spans go on as configured)."""
    global _counting
    _counting = False
    _configure()


def enable_statistics() -> None:
    """Count calls again (the default)."""
    global _counting
    _counting = True
    _configure()


def enable_tracing(*, tracer_provider: Any = None, include_sql: bool = False) -> None:
    """Emit an OpenTelemetry span per call (through ``tracer_provider``, else the global one).

    Needs ``opentelemetry-api`` (``pip install 'sqlfirst[otel]'``). ``include_sql`` adds the query's
    text (with ``$n`` placeholders; parameter values are never recorded).
    """
    global _tracer, _with_sql, _otel
    from opentelemetry import trace

    if tracer_provider is not None and not callable(getattr(tracer_provider, "get_tracer", None)):
        raise invalid_argument(
            "enable_tracing", "tracer_provider", "an OpenTelemetry TracerProvider", tracer_provider
        )
    if not is_flag(include_sql):
        raise invalid_argument(
            "enable_tracing", "include_sql", "include_sql must be True or False", include_sql
        )
    _otel = trace
    provider = tracer_provider or trace.get_tracer_provider()
    _tracer = provider.get_tracer("sqlfirst")
    _with_sql = bool(include_sql)
    _configure()


def disable_tracing() -> None:
    """Stop emitting spans."""
    global _tracer
    _tracer = None
    _configure()


_configure()
