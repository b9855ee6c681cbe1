"""Where the packaged SQL lives: inside the wheel (``sqlfirst/_data``) or, in a checkout, at the repo root."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DOMAINS", "benchmarks_dir", "domains", "migrations_dir", "packaged_data_dir", "sql_dir"]

DOMAINS = ("agent_hub", "ai_seo", "deals", "devskyy", "easyflow")
"""Every domain of the design, one Postgres schema (or two) and one Python package each."""

_PACKAGE = Path(__file__).resolve().parent


def _resource(name: str, env: str) -> Path:
    configured = os.environ.get(env)
    if configured:
        return Path(configured).expanduser().resolve()
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name


def packaged_data_dir() -> Path:
    """Where a wheel install keeps the packaged ``sql/`` and ``migrations/`` (read-only by intent)."""
    return _PACKAGE / "_data"


def sql_dir() -> Path:
    """The ``sql/`` tree of named queries."""
    return _resource("sql", "SQLFIRST_SQL_DIR")


def migrations_dir() -> Path:
    """The ``migrations/`` folder (yoyo SQL migrations and the schema snapshot)."""
    return _resource("migrations", "SQLFIRST_MIGRATIONS_DIR")


def benchmarks_dir() -> Path:
    """The ``benchmarks/`` suite of a checkout (``sqlfirst bench``); not shipped in the wheel."""
    configured = os.environ.get("SQLFIRST_BENCH_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return _PACKAGE.parents[1] / "benchmarks"


def domains() -> list[str]:
    """Domains that have named queries, in name order."""
    root = sql_dir()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.sql")))
