"""Migrations through yoyo: the whole chain applies, rolls back and applies again identically."""

from __future__ import annotations

import subprocess

import asyncpg
import pytest

from sqlfirst import embedded
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate import Migrator


def schema_dump(url: str) -> str:
    result = subprocess.run(
        [str(embedded.pg_bin("pg_dump")), "--schema-only", "--no-owner", "--exclude-table=_yoyo*", url],
        capture_output=True,
        text=True,
        check=True,
    )
    # The machine's PostgreSQL 15 stamps a varying `pg_attver` attribute option on every column it
    # creates; it is not part of any migration.
    return "\n".join(
        line
        for line in result.stdout.splitlines()
        if not line.startswith("--")
        and "_yoyo" not in line
        and "yoyo_lock" not in line
        and "pg_attver=" not in line
    )


async def test_up_down_up_leaves_the_same_schema(empty_db_url: str) -> None:
    migrator = Migrator(empty_db_url)
    applied = migrator.up()
    assert applied[:2] == ["0001_core_schema", "0010_agent_hub_schema"]
    first = schema_dump(empty_db_url)
    assert "CREATE TABLE agent_hub.events" in first
    rolled = migrator.reset()
    assert rolled == list(reversed(applied))
    bare = schema_dump(empty_db_url)
    assert "agent_hub" not in bare
    assert "core.set_updated_at" not in bare
    assert migrator.up() == applied
    assert schema_dump(empty_db_url) == first


async def test_a_single_domain_installs_without_the_others(empty_db_url: str) -> None:
    applied = Migrator(empty_db_url, domains=["agent_hub"]).up()
    assert applied == ["0001_core_schema", "0010_agent_hub_schema"]
    conn = await asyncpg.connect(empty_db_url)
    try:
        schemas = {r[0] for r in await conn.fetch("select nspname from pg_namespace")}
    finally:
        await conn.close()
    assert {"core", "agent_hub"} <= schemas


def test_an_unknown_domain_is_a_configuration_error(empty_db_url: str) -> None:
    with pytest.raises(ConfigurationError, match="no migrations for domain"):
        Migrator(empty_db_url, domains=["nope"]).up()
