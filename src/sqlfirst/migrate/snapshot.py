"""The committed schema snapshot (``migrations/schema.sql``): a normalized ``pg_dump --schema-only``."""

from __future__ import annotations

import re
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlfirst import embedded
from sqlfirst.migrate.outcomes import MigrationError
from sqlfirst.migrate.session import CHECKSUM_TABLE, YOYO_TABLES, connect
from sqlfirst.settings import psycopg_url, redact

__all__ = ["dump_schema", "normalize_schema_dump", "snapshot_schema"]

# Tables that are bookkeeping, not schema: yoyo's, ours, and the monthly/daily partitions that
# `core.run_partition_maintenance()` creates from the clock (their names depend on the date).
_DUMP_EXCLUDE = (
    *(f"*.{t}" for t in (*YOYO_TABLES, CHECKSUM_TABLE)),
    "*.*_p[0-9][0-9][0-9][0-9]_[0-9][0-9]",
    "*.*_p[0-9][0-9][0-9][0-9]_[0-9][0-9]_[0-9][0-9]",
)
_DUMP_NOISE = re.compile(
    r"^(--|SET |SELECT pg_catalog\.set_config\('search_path'|\\restrict|\\unrestrict)"
    # The PostgreSQL 15 build on the CI machine stamps every column with a server-private attribute
    # option; it is not part of the schema the migrations write.
    r"|^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);$"
)


def normalize_schema_dump(text: str) -> str:
    """Drop what varies between runs and servers (header, comments, ``SET`` lines), squeeze blank lines."""
    lines = [line.rstrip() for line in text.splitlines() if not _DUMP_NOISE.match(line)]
    squeezed: list[str] = []
    for line in lines:
        if line == "" and (not squeezed or squeezed[-1] == ""):
            continue
        squeezed.append(line)
    while squeezed and squeezed[-1] == "":
        squeezed.pop()
    return "\n".join(squeezed) + "\n"


def dump_schema(url: str) -> str:
    """``pg_dump --schema-only`` of the database at ``url``, normalized (see :func:`normalize_schema_dump`).

    Uses the pg_dump 16 of the pgserver wheel, which reads PostgreSQL 15 and 16 servers alike.
    """
    argv = [str(embedded.pg_bin("pg_dump")), "--schema-only", "--no-owner", "--no-privileges"]
    for pattern in _DUMP_EXCLUDE:
        argv += ["--exclude-table", pattern]
    argv += ["--dbname", psycopg_url(url)]
    for attempt in range(3):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode == 0:
            return normalize_schema_dump(done.stdout)
        if attempt < 2 and "could not connect" in done.stderr:
            time.sleep(0.5)
            continue
        break
    raise MigrationError(f"pg_dump failed on {redact(url)}: {done.stderr.strip()}")


def snapshot_schema(url: str, *, directory: Path | None = None) -> str:
    """Migrate a scratch database on the server at ``url`` from nothing, dump its schema, drop it.

    This is what ``migrations/schema.sql`` holds: what the migrations produce, not what some database
    drifted to.
    """
    from sqlfirst.migrate.migrator import Migrator

    name = f"sqlfirst_dump_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    scratch = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    with connect(url, application_name="sqlfirst migrate dump") as admin:
        admin.execute(f'create database "{name}"')
        try:
            Migrator(scratch, directory=directory).up()
            return dump_schema(scratch)
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')
