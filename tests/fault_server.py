"""A throwaway embedded PostgreSQL that a test may stop and start again (fault and chaos tests).

It is never the server the rest of the suite uses: stopping that one would break every other test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlfirst import embedded


class RestartableServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sqlfirst-faults-"))
        self.pgdata = self.root / "pgdata"
        self._server = embedded.temporary(self.pgdata)
        self.url = self._server.get_uri("postgres")
        self._socket_dir = parse_qs(urlsplit(self.url).query)["host"][0]
        self._server.psql(
            "alter system set fsync = off;"
            "alter system set synchronous_commit = off;"
            "alter system set full_page_writes = off;"
            "select pg_reload_conf();"
        )

    def _pg_ctl(self, *args: str) -> None:
        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        subprocess.run(
            [str(embedded.pg_bin("pg_ctl")), "-D", str(self.pgdata), *args],
            check=True,
            capture_output=True,
            user=user,
            timeout=60,
        )

    def stop(self) -> None:
        """Fast shutdown: sessions are terminated (57P01), open transactions roll back."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start again with the options pgserver used (Unix socket only); returns once it accepts."""
        self._pg_ctl(
            "-w", "-o", '-h ""', "-o", f"-k {self._socket_dir}", "-l", str(self.pgdata / "log"), "start"
        )

    def running(self) -> bool:
        return embedded.status(self.pgdata).running

    def close(self) -> None:
        if self.running():
            self.stop()  # pgserver only stops the process it started itself
        self._server.cleanup()
        shutil.rmtree(self.root, ignore_errors=True)
