"""Run many ``sqlfirst`` commands cheaply: one interpreter imports the CLI once and forks a child per
command, which runs the real entry point (``sqlfirst.cli.main``) in a fresh process with its own
stdout and stderr. The imports (a few seconds on a busy CI machine) are paid once, not per command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_DRIVER = """
import json, os, sys, traceback
from sqlfirst.cli import main
import sqlfirst.check, sqlfirst.docs, sqlfirst.migrate  # what the commands import lazily, imported once
results = []
for index, argv in enumerate(json.load(sys.stdin)):
    paths = [f"{os.getcwd()}/.cli-driver-{index}.{stream}" for stream in ("out", "err")]
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with open(paths[0], "w") as out, open(paths[1], "w") as err:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.argv = ["sqlfirst", *argv]
                try:
                    main()
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:
                    traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    texts = []
    for path in paths:
        with open(path) as stream:
            texts.append(stream.read())
        os.unlink(path)
    results.append([os.waitstatus_to_exitcode(status), *texts])
sys.__stdout__.write(json.dumps(results))
"""


@dataclass(frozen=True, slots=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(
    argvs: list[list[str]], *, env: dict[str, str], cwd: Path, timeout: float = 600
) -> list[CliResult]:
    """Run each ``sqlfirst`` argv in order (in a forked child each) and return what each did."""
    driver = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    assert driver.returncode == 0, driver.stderr
    return [CliResult(code, out, err) for code, out, err in json.loads(driver.stdout)]
