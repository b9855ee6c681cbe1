"""Applied migrations against their files: yoyo records a hash of the file *name* only, sqlfirst the
sha256 of each applied migration's content and of its rollback (``sqlfirst_migration_checksums``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from yoyo.migrations import default_migration_table

from sqlfirst.migrate.apply import record
from sqlfirst.migrate.files import Checksum, checksum
from sqlfirst.migrate.outcomes import IntegrityProblem, MigrationState
from sqlfirst.migrate.session import CHECKSUM_TABLE

__all__ = ["backfill", "inspect"]


def _recorded(cursor: Any, wanted: Callable[[str], bool]) -> tuple[list[str], dict[str, Checksum]]:
    """Applied migration ids (in order) and their recorded checksums; empty before the first run."""
    exists = cursor.execute(
        "select to_regclass(%s) is not null, to_regclass(%s) is not null",
        [default_migration_table, CHECKSUM_TABLE],
    ).fetchone()
    applied: list[str] = []
    sums: dict[str, Checksum] = {}
    if exists[0]:
        rows = cursor.execute(
            f"select migration_id from {default_migration_table} order by applied_at_utc, migration_id"
        ).fetchall()
        applied = [r[0] for r in rows if wanted(r[0])]
    if exists[1]:
        rows = cursor.execute(
            f"select migration_id, content_sha256, rollback_sha256 from {CHECKSUM_TABLE}"
        ).fetchall()
        sums = {r[0]: Checksum(r[1], r[2]) for r in rows}
    return applied, sums


def inspect(
    cursor: Any, files: Mapping[str, Path], wanted: Callable[[str], bool]
) -> tuple[list[MigrationState], list[IntegrityProblem]]:
    """The state of every migration in ``files`` (in order), then of applied ones no file holds."""
    current = {mid: checksum(p) for mid, p in files.items()}
    applied, sums = _recorded(cursor, wanted)
    applied_set = set(applied)
    problems: list[IntegrityProblem] = []
    states: list[MigrationState] = []
    by_content = {c.content: mid for mid, c in current.items() if mid not in applied_set}
    for mid, path in files.items():
        if mid not in applied_set:
            states.append(MigrationState(mid, "pending", path))
        elif mid not in sums:
            states.append(MigrationState(mid, "unrecorded", path, "applied before checksums existed"))
        else:
            detail = _edit(sums[mid], current[mid])
            if detail:
                problems.append(IntegrityProblem(mid, "edited", detail))
                states.append(MigrationState(mid, "edited", path, detail))
            else:
                states.append(MigrationState(mid, "applied", path))
    for mid in applied:
        if mid in files:
            continue
        recorded = sums.get(mid)
        new_name = by_content.get(recorded.content) if recorded else None
        if new_name:
            problem = IntegrityProblem(mid, "renamed", f"applied, then renamed to {new_name}.sql")
        else:
            problem = IntegrityProblem(mid, "missing", f"applied, but {mid}.sql was removed or renamed")
        problems.append(problem)
        states.append(MigrationState(mid, "missing", None, problem.detail))
    return states, problems


def backfill(backend: Any, states: Sequence[MigrationState]) -> list[str]:
    """Record checksums of migrations applied before sqlfirst kept them; return their ids."""
    recorded = []
    for state in states:
        if state.state == "unrecorded" and state.path is not None:
            sums = checksum(state.path)
            with backend.transaction():
                record(backend, state.id, sums, backfilled=True)
            recorded.append(state.id)
    return recorded


def _edit(recorded: Checksum, current: Checksum) -> str:
    changed = []
    if recorded.content != current.content:
        changed.append("file")
    if recorded.rollback != current.rollback:
        changed.append("rollback file" if current.rollback else "rollback file (now missing)")
    return " and ".join(changed) + " edited since it was applied" if changed else ""
