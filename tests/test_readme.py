"""The README's first-hour snippets run as written, extracted from the README itself (so they cannot rot)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def blocks_under(heading: str, lang: str) -> list[str]:
    """The ``lang`` code blocks of the README section that starts with ``heading``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    level = heading.split(" ")[0]
    following = re.search(rf"^#{{1,{len(level)}}} ", text[start + len(heading) + 2 :], re.MULTILINE)
    end = start + len(heading) + 2 + following.start() if following else len(text)
    return [m["body"] for m in BLOCK.finditer(text[start:end]) if m["lang"] == lang]


def test_the_first_example_runs_as_written(db_url: str) -> None:
    (example,) = blocks_under("## Using it from Python", "python")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        [sys.executable, "-c", example],
        env={**env, "DATABASE_URL": db_url, "SQLFIRST_EMBEDDED": "never"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


async def test_writing_your_own_query_works_as_written(tmp_path: Path, pool: Any, monkeypatch: Any) -> None:
    (sql,) = blocks_under("### Writing your own queries", "sql")
    declaration = blocks_under("### Writing your own queries", "python")[0]
    (tmp_path / "sql" / "myapp").mkdir(parents=True)
    (tmp_path / "sql" / "myapp" / "users.sql").write_text(sql)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(declaration, "README: Writing your own queries", "exec"), namespace)  # noqa: S102
    from sqlfirst.agent_hub import users

    await users.create(pool, username="ada", email="ada@example.com", password="correct horse")
    assert await namespace["count_active"](pool) == 1


async def test_the_fastapi_example_serves_and_maps_errors(db_url: str) -> None:
    (example,) = blocks_under("## FastAPI", "python")
    os.environ["DATABASE_URL"] = db_url
    try:
        namespace: dict[str, Any] = {"__name__": "readme_fastapi"}
        exec(compile(textwrap.dedent(example), "README: FastAPI", "exec"), namespace)  # noqa: S102
        app = namespace["app"]
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
        ):
            missing = await client.post(
                "/users/00000000-0000-0000-0000-000000000001/tokens/deduct", params={"amount": "5"}
            )
    finally:
        del os.environ["DATABASE_URL"]
    assert missing.status_code == 404, missing.text
    assert missing.json()["error"] == "not_found"


def test_the_monitoring_example_wires_spans_to_an_exporter(db_url: str) -> None:
    (example,) = blocks_under("## Monitoring and health", "python")
    call = textwrap.dedent(
        """
        import asyncio, os, uuid
        from sqlfirst.db import connect_one
        from sqlfirst.agent_hub import users

        async def lookup() -> None:
            conn = await connect_one(os.environ["DATABASE_URL"])
            try:
                await users.get_by_id(conn, id=uuid.uuid4())
            finally:
                await conn.close()

        asyncio.run(lookup())
        provider.force_flush()
        print("calls:", monitoring.stats()["agent_hub.get_user_by_id"].calls)
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        [sys.executable, "-c", example + call],
        env={**env, "DATABASE_URL": db_url, "SQLFIRST_EMBEDDED": "never"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "agent_hub.get_user_by_id"' in result.stdout  # the console exporter's JSON
    assert '"server.address"' in result.stdout and '"db.response.returned_rows": 0' in result.stdout
    assert "calls: 1" in result.stdout
