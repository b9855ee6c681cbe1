"""Every snippet of the README (and of docs/guide/) runs as written, extracted from the documents
themselves, so they cannot rot.

* Python snippets run in document order against one throwaway database (top-level ``await`` allowed;
  a snippet that calls ``asyncio.run`` runs in a thread of its own). A snippet that uses names it
  does not define gets them from a prelude below (``db``, ``conn``...); a check below looks at what it
  did where there is something to look at.
* Shell snippets: every ``sqlfirst`` command runs for real (the quick start's on a throwaway embedded
  server, the others on the throwaway database) unless :data:`NOT_RUN` names it with the reason;
  those are parsed by the CLI itself. Any other command (``pip``, ``pytest``...) must be in
  :data:`NOT_RUN`, and what it names (extras, files, folders) must exist.
* SQL snippets: a ``-- sql/<path>.sql`` first line makes it a project file the section's Python reads;
  the others run in a rolled-back transaction unless :data:`NOT_RUN` says why not.

A snippet added to the documents is run by these tests; one that cannot run fails them until it is
listed here with its reason.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tomllib
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
import typer.main
from pydantic import ValidationError

from sqlfirst import embedded, monitoring
from sqlfirst.cli import app as cli_app
from sqlfirst.db import Database, connect, connect_one
from sqlfirst.settings import Settings
from tests.cli_driver import run_cli
from tests.conftest import _create_database, _drop_database

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
PROJECT_FILE = re.compile(r"^-- (?P<path>sql/[\w/]+\.sql)\s*$")
PYPROJECT = "readme-pyproject.toml"  # a ```toml block opening with `# pyproject.toml` (not found by cwd)
PROJECT_SECTIONS = {"README.md § Writing your own queries"}  # run with SQLFIRST_PROJECT at it

# What is not run, and why. Shell commands by their text (comments and extra spaces dropped),
# Python and SQL snippets by "<document> § <heading>".
NOT_RUN: dict[str, str] = {
    "pip install .": "installs the package; the suite runs on an installed one",
    "pip install -e '.[dev,bench]'": "installs the package with extras; the extras named are checked",
    "pip install -e '.[bench]'": "installs the bench extra; the extra named is checked",
    "pytest": "this suite",
    "ruff check src tests benchmarks": "the lint gate: .ci/run and every helper run it",
    "ruff format --check src tests benchmarks": "the format gate: .ci/run and every helper run it",
    "mypy --strict src benchmarks": "the type gate (minutes): .ci/run runs it",
    "sqlfirst check": "tests/test_cli.py runs `sqlfirst check` against the test server",
    "python benchmarks/overhead.py": "a timing run (benchmarks/, not gated in tests)",
    "bash .ci/run": "runs this suite and the gates",
    "sqlfirst migrate dump": "migrates a scratch database into migrations/schema.sql; "
    "tests/test_schema_snapshot.py makes the same dump and compares it with the committed file",
    "sqlfirst bench": "a medium-scale run loads 9M rows (the lead runs it on a quiet machine)",
    "sqlfirst bench --scale small --json out.json": "minutes of load; the bench gate runs it (.ci/run)",
    "sqlfirst bench --save-baseline base.json": "a timing run; tests/benchmarks/test_baseline.py: baselines",
    "sqlfirst bench --baseline base.json": "a timing run; tests/benchmarks/test_baseline.py: baselines",
    "sqlfirst bench --scale small --replicas 2": "a timing run with 2 base backups; .ci/run runs it with 1",
    "sqlfirst db archive /backups/wal": "restarts the embedded server; tests/test_backup.py archives WAL",
    "sqlfirst db backup --dir /backups": "tests/test_backup.py takes base backups",
    "sqlfirst db backup --logical --dir /backups": "tests/test_backup.py takes logical backups",
    "sqlfirst db restore /backups/base-20261201T230000Z --into /srv/restored --to 2026-12-01T23:41:00Z "
    "--wal-archive /backups/wal": "tests/test_backup.py restores to a point in time",
    "scaling-out.md § Read replicas with read-your-writes": "needs running replicas: "
    "tests/test_replicas.py runs a primary with two",
    "scaling-out.md § A Citus-ready schema": "needs a Citus coordinator: tests/test_citus.py checks the "
    "plan these commands come from",
}


@dataclass(frozen=True, slots=True)
class Snippet:
    document: str
    heading: str
    lang: str
    body: str
    line: int

    @property
    def key(self) -> str:
        return f"{self.document} § {self.heading}"

    def __str__(self) -> str:
        return f"{self.document}:{self.line} ({self.heading})"


def snippets() -> list[Snippet]:
    found: list[Snippet] = []
    for document in DOCUMENTS:
        heading, fence, body, start = "", None, [], 0
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            match = FENCE.match(line)
            if fence is None and match:
                fence, body, start = match["lang"], [], number
            elif fence is not None and line.startswith("```"):
                found.append(Snippet(document.name, heading, fence, "\n".join(body) + "\n", start))
                fence = None
            elif fence is not None:
                body.append(line)
            elif line.startswith("#"):
                heading = line.lstrip("#").strip()
    return found


SNIPPETS = snippets()
PYTHON = [s for s in SNIPPETS if s.lang == "python"]
SHELL = [s for s in SNIPPETS if s.lang in ("bash", "sh")]
SQL = [s for s in SNIPPETS if s.lang == "sql"]
TOML = [s for s in SNIPPETS if s.lang == "toml"]


def test_every_snippet_says_its_language() -> None:
    unknown = [f"{s}: ```{s.lang}" for s in SNIPPETS if s.lang not in ("python", "bash", "sh", "sql", "toml")]
    assert not unknown, "label each block python, bash, sql or toml (or teach this test the language)"


@pytest.mark.parametrize("snippet", TOML, ids=str)
def test_toml_snippet_parses(snippet: Snippet) -> None:
    tomllib.loads(snippet.body)


def test_every_listed_exception_still_exists() -> None:
    present = {s.key for s in SNIPPETS} | {_listed(c) for s in SHELL for c in commands(s)}
    assert sorted(set(NOT_RUN) - present) == []


# -- Python ------------------------------------------------------------------------------------------


@dataclass
class Readme:
    """The reader's environment: one database, a project folder for own queries, an open Database."""

    url: str
    project: Path
    db: Database


@pytest.fixture(scope="module")
async def readme(server_url: str, template_name: str) -> AsyncIterator[Readme]:
    name = f"sqlfirst_readme_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name, template_name)
    project = Path(tempfile.mkdtemp(prefix="sqlfirst-readme-"))
    for snippet in SQL:
        if target := PROJECT_FILE.match(snippet.body.splitlines()[0]):
            (project / target["path"]).parent.mkdir(parents=True, exist_ok=True)
            (project / target["path"]).write_text(snippet.body, encoding="utf-8")
    for snippet in TOML:
        if snippet.body.startswith("# pyproject.toml\n"):
            (project / PYPROJECT).write_text(snippet.body, encoding="utf-8")
    db = await connect(Settings(database_url=url, min_size=1, max_size=10))
    try:
        yield Readme(url, project, db)
    finally:
        await db.close()
        shutil.rmtree(project, ignore_errors=True)
        await _drop_database(server_url, name)


Prelude = Callable[[Readme, dict[str, Any]], Awaitable[None]]
Check = Callable[[Readme, dict[str, Any]], Awaitable[None]]
PRELUDES: dict[str, Prelude] = {}
CHECKS: dict[str, Check] = {}


def prelude(key: str) -> Callable[[Prelude], Prelude]:
    def register(fn: Prelude) -> Prelude:
        PRELUDES[key] = fn
        return fn

    return register


def check(key: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[key] = fn
        return fn

    return register


@check("README.md § A first example")
async def _first_example(readme: Readme, ns: dict[str, Any]) -> None:
    from sqlfirst.errors import Conflict

    assert await readme.db.pool.fetchval("select count(*) from agent_hub.agents where name = 'helper'") == 1
    with pytest.raises(Conflict) as again:  # "Run it twice and the second run stops at users.create"
        await asyncio.to_thread(exec, ns["__code__"], {"__name__": "readme_again"})
    assert again.value.constraint == "uq_users_username"


@prelude("README.md § Transactions and retries")
async def _transactions(readme: Readme, ns: dict[str, Any]) -> None:
    async def transfer(conn: Any, *_: object) -> int:
        return int(await conn.fetchval("select 1"))

    ns |= {"db": readme.db, "transfer": transfer}


@check("README.md § Transactions and retries")
async def _transferred(readme: Readme, ns: dict[str, Any]) -> None:
    assert ns["result"] == 1


@prelude("README.md § Bulk ingest and batched lookups")
async def _bulk(readme: Readme, ns: dict[str, Any]) -> None:
    from sqlfirst.agent_hub import agents, sessions, users
    from sqlfirst.agent_hub.models import Event

    owner = await users.create(
        readme.db.pool, username="bulk", email="bulk@example.com", password="long enough"
    )
    other = await users.create(
        readme.db.pool, username="bulk2", email="bulk2@example.com", password="long enough"
    )
    agent = await agents.create(
        readme.db.pool, name="bulk", display_name="Bulk", owner_id=owner.id, definition={"model": "x"}
    )
    session = await sessions.create(readme.db.pool, agent_id=agent.id, user_id=owner.id)

    def event_models() -> Iterator[Event]:
        for n in range(1, 1001):
            yield Event(
                id=uuid4(), session_id=session.id, sequence_number=n, author="user", content=f"message {n}",
                metadata={}, partial=False, turn_complete=True, error_code=None, error_message=None,
                timestamp=datetime.now(UTC),
            )  # fmt: skip

    conn = await connect_one(readme.url)
    ns |= {"db": readme.db, "conn": conn, "event_models": event_models}
    ns |= {"id_a": owner.id, "id_b": other.id, "id_c": uuid4()}


@check("README.md § Bulk ingest and batched lookups")
async def _bulk_done(readme: Readme, ns: dict[str, Any]) -> None:
    await ns["conn"].close()
    assert ns["written"] == 1000
    assert [u and u.id for u in ns["found"]] == [ns["id_a"], ns["id_b"], None]
    assert (ns["a"].id, ns["b"].id) == (ns["id_a"], ns["id_b"])


@prelude("README.md § Writing your own queries")
async def _shop(readme: Readme, ns: dict[str, Any]) -> None:
    """The project's own table (its migration is the reader's to write)."""
    await readme.db.pool.execute(
        "create schema if not exists shop; create table if not exists shop.items "
        "(id bigint generated always as identity primary key, name text not null, "
        "price numeric(10, 2) not null, note text)"
    )


@check("README.md § Writing your own queries")
async def _own_queries(readme: Readme, ns: dict[str, Any]) -> None:
    from decimal import Decimal

    pool = readme.db.pool
    if "get" in ns:
        new_id = await pool.fetchval(
            "insert into shop.items (name, price) values ('lamp', 19.9) returning id"
        )
        item = await ns["get"](pool, id=new_id)
        assert item == ns["Item"](id=new_id, name="lamp", price=Decimal("19.90"), note=None)
        added = await ns["add"](pool, name=" desk ", price="120.5")
        assert (added.name, added.price) == ("desk", Decimal("120.50"))
        with pytest.raises(ValidationError):
            await ns["add"](pool, name="  ", price="1")
    if "count_items" in ns:
        total = await pool.fetchval("select count(*) from shop.items")
        assert await ns["count_items"](pool) == ns["ItemCount"](total=total)


async def _serve(ns: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = ns["app"]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


@check("README.md § FastAPI")
async def _fastapi(readme: Readme, ns: dict[str, Any]) -> None:
    from sqlfirst.deals import users

    async for client in _serve(ns):
        if "deduct" in ns:
            missing = await client.post(f"/users/{uuid4()}/tokens/deduct", params={"amount": "5"})
            assert missing.status_code == 404 and missing.json()["error"] == "not_found"
            dee = await users.create(
                readme.db.pool, email=f"{uuid4().hex}@example.com", password="long enough"
            )
            short = await client.post(f"/users/{dee.id}/tokens/deduct", params={"amount": "5"})
            assert short.status_code == 402 and short.json()["error"] == "insufficient_balance"
        if "whoami" in ns:
            ada = uuid4()
            assert (await client.get("/whoami", headers={"X-User-Id": str(ada)})).json() == {"user": str(ada)}
            assert (await client.get("/whoami")).json() == {"user": None}


@prelude("README.md § Monitoring and health")
async def _monitoring(readme: Readme, ns: dict[str, Any]) -> None:
    from sqlfirst.agent_hub import users

    watched = await users.create(
        readme.db.pool, username="watched", email="w@example.com", password="long enough"
    )
    await users.get_by_id(readme.db.pool, id=watched.id)
    ns["user_id"] = watched.id


@check("README.md § Monitoring and health")
async def _monitored(readme: Readme, ns: dict[str, Any]) -> None:
    monitoring.disable_tracing()
    monitoring.set_slow_threshold(1.0)
    ns["provider"].shutdown()
    assert ns["stats"]["agent_hub.get_user_by_id"].calls >= 1


@prelude("README.md § easyflow")
async def _easyflow(readme: Readme, ns: dict[str, Any]) -> None:
    from sqlfirst.easyflow.credentials import KeyRing

    os.environ["SQLFIRST_EASYFLOW_KEYS"] = f"k1:{KeyRing.generate_key()}"


async def _run_python(snippet: Snippet, ns: dict[str, Any]) -> None:
    code = compile(snippet.body, str(snippet), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    ns["__code__"] = code
    if code.co_flags & inspect.CO_COROUTINE:
        await eval(code, ns)  # noqa: S307  (the README's own snippet)
    else:  # plain code, which may call asyncio.run(): a thread with no running loop
        await asyncio.to_thread(exec, code, ns)


@pytest.mark.parametrize("snippet", PYTHON, ids=str)
async def test_python_snippet_runs(snippet: Snippet, readme: Readme, monkeypatch: pytest.MonkeyPatch) -> None:
    compile(snippet.body, str(snippet), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if snippet.key in NOT_RUN:
        pytest.skip(f"compiled, not run: {NOT_RUN[snippet.key]}")
    for name in [k for k in os.environ if k.startswith("PG")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", readme.url)
    monkeypatch.setenv("SQLFIRST_EMBEDDED", "never")
    monkeypatch.delenv("SQLFIRST_EASYFLOW_KEYS", raising=False)
    monkeypatch.chdir(readme.project)
    if snippet.key in PROJECT_SECTIONS:
        monkeypatch.setenv("SQLFIRST_PROJECT", str(readme.project / PYPROJECT))
    # A real module, as a reader's code is: Pydantic resolves a model's annotations through it.
    module = types.ModuleType(f"readme_{snippet.line}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    ns: dict[str, Any] = module.__dict__
    if snippet.key in PRELUDES:
        await PRELUDES[snippet.key](readme, ns)
    try:
        await _run_python(snippet, ns)
        if snippet.key in CHECKS:
            await CHECKS[snippet.key](readme, ns)
    finally:
        for value in list(ns.values()):  # snippets that open a Database leave it to the reader
            if isinstance(value, Database) and value is not readme.db:
                await value.close()


# -- SQL ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("snippet", SQL, ids=str)
async def test_sql_snippet_runs(snippet: Snippet, readme: Readme) -> None:
    if PROJECT_FILE.match(snippet.body.splitlines()[0]):
        pytest.skip("a project file: its section's Python snippets run it")
    if snippet.key in NOT_RUN:
        pytest.skip(f"not run: {NOT_RUN[snippet.key]}")
    conn = await asyncpg.connect(readme.url)
    try:
        async with conn.transaction():
            await conn.execute(snippet.body)
            raise _RollBack
    except _RollBack:
        pass
    finally:
        await conn.close()


class _RollBack(Exception):
    pass


# -- shell -------------------------------------------------------------------------------------------


def commands(snippet: Snippet) -> Iterator[list[str]]:
    """The commands of a shell snippet: continuations joined, comments dropped, split at ``&&``."""
    for line in snippet.body.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        while words:
            end = words.index("&&") if "&&" in words else len(words)
            yield words[:end]
            words = words[end + 1 :]


def _quoted(command: list[str]) -> str:
    return " ".join(shlex.quote(w) for w in command)


def _listed(command: list[str]) -> str | None:
    for text in (_quoted(command), " ".join(command)):
        if text in NOT_RUN:
            return text
    return None


def _parse_problem(argv: list[str]) -> str | None:
    """Whether the CLI accepts these arguments (without running the command)."""
    command: Any = typer.main.get_command(cli_app)
    path = ["sqlfirst"]
    args = list(argv)
    while getattr(command, "commands", None) and args and args[0] in command.commands:
        path.append(args[0])
        command = command.commands[args.pop(0)]
    if getattr(command, "commands", None):
        return f"{_quoted(argv)}: no such command"
    try:
        command.make_context(" ".join(path), args)
    except Exception as exc:
        return f"{_quoted(argv)}: {exc}"
    return None


EXTRAS = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])


def _other_problem(command: list[str]) -> str | None:
    """What a listed non-sqlfirst command names must exist: extras, files, folders."""
    for word in command[1:]:
        for extras in re.findall(r"\[([\w,-]+)\]", word):
            for extra in extras.split(","):
                if extra not in EXTRAS:
                    return f"{_quoted(command)}: no extra {extra!r} in pyproject.toml"
        names_a_path = (not word.startswith("-") and "/" in word) or word in ("src", "tests", "benchmarks")
        if names_a_path and not (ROOT / word).exists():
            return f"{_quoted(command)}: {word} does not exist"
    return None


def _shell_plan() -> tuple[list[tuple[Snippet, list[str]]], list[str]]:
    """The sqlfirst commands to run (with their snippet) and the problems of the others."""
    run: list[tuple[Snippet, list[str]]] = []
    problems: list[str] = []
    for snippet in SHELL:
        for command in commands(snippet):
            listed = _listed(command)
            if command[0] == "sqlfirst":
                if listed is None:
                    run.append((snippet, command[1:]))
                elif problem := _parse_problem(command[1:]):
                    problems.append(f"{snippet}: {problem}")
            elif listed is None:
                problems.append(f"{snippet}: `{_quoted(command)}` is neither run nor listed in NOT_RUN")
            elif problem := _other_problem(command):
                problems.append(f"{snippet}: {problem}")
    return run, problems


def test_shell_commands_not_run_are_listed_and_parse() -> None:
    _, problems = _shell_plan()
    assert not problems, "\n".join(problems)


EMBEDDED_SECTIONS = ("Quick start", "The embedded server")


def _clean_env() -> dict[str, str]:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("PG", "SQLFIRST_")) and k != "DATABASE_URL"
    }
    return keep | {"SQLFIRST_PASSWORD_HASH": "fast"}


def test_the_quick_start_runs_on_a_fresh_embedded_server() -> None:
    """The quick start and the embedded server's commands, in order, on a throwaway data directory."""
    run, _ = _shell_plan()
    steps = [argv for snippet, argv in run if snippet.heading in EMBEDDED_SECTIONS]
    assert steps[0] == ["migrate", "up"], "the quick start begins with `sqlfirst migrate up`"
    # Not pytest's tmp_path: its root is re-locked to 0700 by every pytest session that starts, and the
    # server runs as the OS user `pgserver` when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-quickstart-"))
    data = root / "pgdata"
    env = _clean_env() | {"SQLFIRST_DATA_DIR": str(data)}
    try:
        before, *results, after = run_cli([["db", "status"], *steps, ["db", "url"]], env=env, cwd=root)
    finally:
        embedded.stop(data)
        shutil.rmtree(root, ignore_errors=True)
    assert before.code == 3 and "running:        no" in before.stdout  # nothing runs before the quick start
    for argv, result in zip(steps, results, strict=True):
        assert result.code == 0, f"sqlfirst {_quoted(argv)}: {result.stderr}"
    said = {" ".join(argv): result.stdout for argv, result in zip(steps, results, strict=True)}
    assert "applied  0001_core_schema" in said["migrate up"]
    assert "running:        yes" in said["db status"] and str(data) in said["db status"]
    assert said["db url"].startswith("postgresql://") and said["db stop"].strip() == "stopped"
    assert after.code == 0 and after.stdout == said["db url"]  # `db start` started the same server again


def test_the_other_sqlfirst_commands_run_on_the_readme_database(db_url: str) -> None:
    run, _ = _shell_plan()
    steps = [(snippet, argv) for snippet, argv in run if snippet.heading not in EMBEDDED_SECTIONS]
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-readme-cli-"))
    try:
        results = run_cli([argv for _, argv in steps], env=_clean_env() | {"DATABASE_URL": db_url}, cwd=root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    failed = [
        f"{snippet}: sqlfirst {_quoted(argv)} exited {r.code}: {r.stderr.strip()}"
        for (snippet, argv), r in zip(steps, results, strict=True)
        if r.code != 0 or r.stderr.strip()
    ]
    assert not failed, "\n".join(failed)
    assert steps, "the README shows sqlfirst commands beyond the quick start"


def test_a_new_unlisted_command_would_be_run_or_refused() -> None:
    """The policy itself: an unknown tool is refused, an unknown sqlfirst option fails to parse."""
    made_up = Snippet("README.md", "Made up", "bash", "make install && sqlfirst migrate up --fast\n", 1)
    assert list(commands(made_up)) == [["make", "install"], ["sqlfirst", "migrate", "up", "--fast"]]
    assert _listed(["make", "install"]) is None
    assert _parse_problem(["migrate", "up", "--fast"]) is not None
    assert _parse_problem(["bench", "--scale", "small", "--json", "out.json"]) is None


def test_the_monitoring_example_wires_spans_to_an_exporter(db_url: str) -> None:
    """The Monitoring snippet, in a process of its own, exports a span a reader can see."""
    (snippet,) = [s for s in PYTHON if s.key == "README.md § Monitoring and health"]
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
        [sys.executable, "-c", snippet.body + call],
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
