"""Every command of the ``sqlfirst`` CLI fails in one line: non-zero exit, one ``error:`` line on
stderr, no traceback, no password. The commands are listed from the CLI app itself, so a new command
without a failure case here fails the first test."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main

from sqlfirst.cli import app
from sqlfirst.cli_bench import BENCH_EXTRA
from tests.cli_driver import run_cli

BAD_URL = "postgresql://app:hunter2@127.0.0.1:1/nowhere"
NO_SERVER = "cannot connect to postgresql://app:***@127.0.0.1:1/nowhere"
NO_DATA_DIR = "cannot create the embedded server's data directory"

# One failure per command: the arguments after the command, and what its one line must say.
# Commands of the embedded server run with SQLFIRST_DATA_DIR below a regular file (it cannot exist).
FAILURES: dict[str, tuple[list[str], str]] = {
    "check": (["--database-url", BAD_URL], NO_SERVER),
    "bench": (["--scale", "small", "--database-url", BAD_URL, "--no-plot"], NO_SERVER),
    "docs": (["--database-url", BAD_URL, "--check"], NO_SERVER),
    "db start": ([], NO_DATA_DIR),
    "db stop": (["--now"], "No such option: --now"),
    "db status": (["extra"], "unexpected extra argument"),
    "db url": ([], "the embedded server is not running"),
    "db health": (["--database-url", BAD_URL], NO_SERVER),
    "db stats": (["--database-url", BAD_URL], NO_SERVER),
    "db roles": (["--database-url", BAD_URL], NO_SERVER),
    "db archive": (["{tmp}/wal"], NO_DATA_DIR),
    "db backup": (["--dir", "{tmp}/backups"], NO_DATA_DIR),
    "db restore": (["{tmp}/no-such-backup", "--into", "{tmp}/restored"], "is not a base backup"),
    "migrate up": (["--database-url", BAD_URL], NO_SERVER),
    "migrate down": (["--database-url", BAD_URL], NO_SERVER),
    "migrate verify": (["--database-url", BAD_URL], NO_SERVER),
    "migrate status": (["--database-url", BAD_URL], NO_SERVER),
    "migrate dump": (["--database-url", BAD_URL, "--output", "-"], NO_SERVER),
    "migrate new": (
        ["agent_hub", "add_thing", "--directory", "{tmp}/no-such-parent/migrations"],
        "no migrations folder",
    ),
    "partitions maintain": (["--database-url", BAD_URL], NO_SERVER),
    "partitions status": (["--database-url", BAD_URL], NO_SERVER),
    "easyflow rotate-keys": (["--database-url", BAD_URL], "SQLFIRST_EASYFLOW_KEYS is not set"),
}

# More ways to get a command wrong: bad arguments and values, each one line too.
MISUSE: list[tuple[list[str], str]] = [
    (["nosuch"], "No such command 'nosuch'"),
    (["migrate", "up", "--lock-timeout-ms", "soon"], "Invalid value for '--lock-timeout-ms'"),
    (["migrate", "new", "agent_hub"], "Missing argument"),
    (["migrate", "new", "nodomain", "add_thing"], "unknown domain 'nodomain'"),
    (["bench", "--scale", "huge"], "--scale is one of small, medium, large"),
    (["db", "stats", "--order", "fastest", "--database-url", BAD_URL], "--order is total or mean"),
    (["db", "restore", "{tmp}/b", "--into", "{tmp}/r", "--to", "yesterday"], "not an ISO 8601 time"),
    (["db", "start", "--replicas", "-1"], "Invalid value for '--replicas'"),
    (["bench", "--replicas", "-1"], "Invalid value for '--replicas'"),
    (
        ["bench", "--replicas", "1", "--database-url", BAD_URL],
        "--replicas starts streaming replicas of the embedded server",
    ),
]


def _commands() -> Iterator[str]:
    def walk(command: object, path: list[str]) -> Iterator[str]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path)

    yield from walk(typer.main.get_command(app), [])


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    # Not pytest's tmp_path (re-locked to 0700 by concurrent sessions; see test_cli).
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-cli-failures-"))
    (root / "a-file").write_text("in the way of the data directory\n")
    (root / "b").mkdir()
    (root / "b" / "PG_VERSION").write_text("16\n")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _run_all(cases: list[list[str]], scratch: Path) -> list[tuple[int, str]]:
    env = {
        k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith(("PG", "SQLFIRST_"))
    }
    env |= {"SQLFIRST_DATA_DIR": str(scratch / "a-file" / "pgdata"), "SQLFIRST_PASSWORD_HASH": "fast"}
    argvs = [[a.replace("{tmp}", str(scratch)) for a in argv] for argv in cases]
    return [(r.code, r.stderr) for r in run_cli(argvs, env=env, cwd=scratch)]


def _problem(argv: list[str], expected: str, code: int, stderr: str) -> str | None:
    lines = stderr.strip().splitlines()
    if code == 0:
        return f"{argv}: exit 0"
    if "Traceback" in stderr or len(lines) != 1:
        return f"{argv}: {len(lines)} lines on stderr:\n{stderr}"
    (line,) = lines
    if not line.startswith("error: ") or "a bug in sqlfirst" in line or "hunter2" in line:
        return f"{argv}: {line}"
    if expected not in line:
        return f"{argv}: {line!r} does not say {expected!r}"
    return None


def test_every_command_has_a_failure_case() -> None:
    assert sorted(_commands()) == sorted(FAILURES)


def test_every_failure_is_one_line_without_a_traceback(scratch: Path) -> None:
    cases = [([*name.split(), *args], expected) for name, (args, expected) in FAILURES.items()]
    cases += MISUSE
    results = _run_all([argv for argv, _ in cases], scratch)
    problems = [
        problem
        for (argv, expected), (code, stderr) in zip(cases, results, strict=True)
        if (problem := _problem(argv, expected, code, stderr))
    ]
    assert not problems, "\n".join(problems)
    assert not (scratch / "a-file").is_dir() and not list(scratch.glob("**/*_agent_hub_add_thing.sql"))


def test_bench_without_its_extra_says_so_in_one_line(scratch: Path) -> None:
    blocked = "import sys\nfor m in ('numpy', 'numpy.random'): sys.modules[m] = None\n"
    program = (
        blocked
        + "sys.argv = ['sqlfirst', 'bench', '--scale', 'small']\nfrom sqlfirst.cli import main\nmain()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False, cwd=scratch
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: sqlfirst bench needs the bench extra (numpy is missing): pip install -e '.[bench]' "
        "in the sqlfirst checkout (or pip install 'sqlfirst[bench]')"
    ]


def test_the_bench_guard_knows_every_module_of_the_bench_extra() -> None:
    requirements = importlib.metadata.requires("sqlfirst") or []
    extra = [r for r in requirements if re.search(r"""extra\s*==\s*["']bench["']""", r)]
    distributions = {re.match(r"[A-Za-z0-9_.-]+", r)[0].lower().replace("-", "_") for r in extra}  # type: ignore[index]
    assert distributions, requirements
    assert distributions <= set(BENCH_EXTRA)
