"""Helpers for the migration tests: copies of the migrations folder and `sqlfirst` run as a real process."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from sqlfirst import paths
from sqlfirst.migrate import Migrator, migration_domain


def copy_migrations(target: Path, *stems: str) -> Path:
    """Copy migrations (all, or those ``stems``) with their rollbacks into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in paths.migrations_dir().glob("[0-9][0-9][0-9][0-9]_*.sql"):
        stem = path.name.removesuffix(".rollback.sql").removesuffix(".sql")
        if not stems or stem in stems:
            shutil.copy(path, target / path.name)
    return target


def write_migration(directory: Path, stem: str, forward: str, rollback: str) -> Path:
    path = directory / f"{stem}.sql"
    path.write_text(forward)
    (directory / f"{stem}.rollback.sql").write_text(rollback)
    return path


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli_env(migrations: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLFIRST_LOCK_TIMEOUT_MS")}
    env["COLUMNS"] = "200"
    if migrations is not None:
        env["SQLFIRST_MIGRATIONS_DIR"] = str(migrations)
    env.update(extra)
    return env


async def start_cli(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sqlfirst",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> Run:
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


async def run_cli(*args: str, env: dict[str, str]) -> Run:
    return await finish(await start_cli(*args, env=env))


async def applied_ids(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("select to_regclass('_yoyo_migration') is not null"):
            return []
        rows = await conn.fetch("select migration_id from _yoyo_migration order by migration_id")
        return [r["migration_id"] for r in rows]
    finally:
        await conn.close()


def with_user(url: str, user: str) -> str:
    """``url`` logging in as ``user`` (trust auth on the test servers)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


async def waiting_for_migration_lock(conn: asyncpg.Connection[asyncpg.Record]) -> int:
    """How many sessions wait for the migration advisory lock: blocked in pg_advisory_lock (not
    granted), or polling it with pg_try_advisory_lock (the migrator's way) without holding it."""
    from sqlfirst.migrate import LOCK_NAMESPACE, MIGRATION_LOCK

    waiting: int = await conn.fetchval(
        "select count(*) from pg_stat_activity as a"
        " where a.datname = current_database() and a.pid <> pg_backend_pid()"
        " and (exists (select 1 from pg_locks as l where l.pid = a.pid and l.locktype = 'advisory'"
        "              and not l.granted and l.classid = $1 and l.objid = $2)"
        "      or (a.query like '%pg_try_advisory_lock%'"
        "          and not exists (select 1 from pg_locks as l where l.pid = a.pid"
        "                          and l.locktype = 'advisory' and l.granted"
        "                          and l.classid = $1 and l.objid = $2)))",
        LOCK_NAMESPACE,
        MIGRATION_LOCK,
    )
    return waiting


def migrated_to_just_before(url: str, migration: str) -> Migrator:
    """``migration``'s domain migrated up, then rolled back to just before ``migration`` (every later
    migration of the domain undone first); ``.up()`` on the result applies them again."""
    domain = migration_domain(migration)
    assert domain is not None, migration
    migrator = Migrator(url, domains=[domain])
    migrator.up()
    later = [state.id for state in migrator.status() if state.id >= migration]
    undone = migrator.down(steps=len(later))
    assert undone[-1] == migration, undone
    return migrator
