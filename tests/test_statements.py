"""`sqlfirst db stats`: named queries found by their text; a clear way out where the extension is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sqlfirst.binding import DECLARATIONS
from sqlfirst.db import Connection
from sqlfirst.project import import_declarations
from sqlfirst.statements import (
    HOW_TO_ENABLE,
    StatisticsUnavailable,
    _normalized,
    named_locations,
    top_statements,
)


def test_a_statement_maps_back_to_its_named_query_whatever_its_whitespace() -> None:
    import_declarations()
    decl = DECLARATIONS[("agent_hub", "users", "get_user_by_id")]
    known = named_locations(DECLARATIONS)
    as_recorded = "  " + decl.query.sql.replace("\n", "\n    ").upper()
    name, location = known[_normalized(as_recorded)]
    assert name == "agent_hub.get_user_by_id"
    assert location == f"sql/agent_hub/users.sql:{decl.query.line}"


async def test_without_the_extension_the_error_says_how_to_enable_it(conn: Connection) -> None:
    loaded = await conn.fetchval("select current_setting('shared_preload_libraries') ~ 'pg_stat_statements'")
    if loaded:
        pytest.skip("this server preloads pg_stat_statements")
    with pytest.raises(StatisticsUnavailable, match="shared_preload_libraries"):
        await top_statements(conn, DECLARATIONS)


def test_the_command_fails_in_one_line_where_the_extension_is_missing(db_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sqlfirst", "db", "stats", "--database-url", db_url],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
    if result.returncode == 0:
        pytest.skip("this server preloads pg_stat_statements")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert HOW_TO_ENABLE.split(":")[0] in " ".join(result.stderr.split())
