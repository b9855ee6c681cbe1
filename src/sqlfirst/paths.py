"""The current project's folders (:mod:`sqlfirst.project`): its named queries, migrations and benchmarks.

With no ``[tool.sqlfirst]`` configuration these are sqlfirst's own: inside the wheel
(``sqlfirst/_data``) or, in a checkout, at the repository root.
"""

from __future__ import annotations

from pathlib import Path

from sqlfirst import project

__all__ = ["benchmarks_dir", "domain_names", "domains", "migrations_dir", "packaged_data_dir", "sql_dir"]

_PACKAGE = Path(__file__).resolve().parent


def packaged_data_dir() -> Path:
    """Where a wheel install keeps the packaged ``sql/`` and ``migrations/`` (read-only by intent)."""
    return _PACKAGE / "_data"


def sql_dir() -> Path:
    """The ``sql/`` tree of named queries."""
    return project.current().sql_dir


def migrations_dir() -> Path:
    """The ``migrations/`` folder (yoyo SQL migrations and the schema snapshot)."""
    return project.current().migrations_dir


def benchmarks_dir() -> Path:
    """The ``benchmarks/`` folder (``sqlfirst bench``; budgets for ``sqlfirst docs``)."""
    return project.current().benchmarks_dir


def domain_names() -> tuple[str, ...]:
    """Every domain the current project registers (and the built-in ones it includes), whether or not
    it has queries yet."""
    return project.current().domain_names


def domains() -> list[str]:
    """The current project's domains that have named queries (included built-in ones too), in name order."""
    registered = set(domain_names())
    return [
        name for name, folder in project.query_folders() if name in registered and any(folder.glob("*.sql"))
    ]
