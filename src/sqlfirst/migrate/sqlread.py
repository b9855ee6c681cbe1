"""yoyo's reading of a SQL migration, memoised by the file's content.

yoyo splits every ``.sql`` file with sqlparse each time it loads its migrations, and the folder rules
(:mod:`sqlfirst.migrate.files`) read the directives the same way: with a few hundred migrations that
is seconds of CPU for every ``up``, ``down``, ``status`` and ``verify``, most of a migration command's
time. The split is a pure function of the text, so it is kept per text: a file that changes is read
again (the key is what it holds now, not its name or its mtime). ``install()`` puts this reader where
yoyo's ``Migration.load`` finds it.
"""

from __future__ import annotations

import functools
import os

import sqlparse
import yoyo.migrations
from yoyo.migrations import parse_metadata_from_sql_comments

__all__ = ["install", "read_sql_migration", "read_sql_text"]

_yoyo_read_sql_migration = yoyo.migrations.read_sql_migration


@functools.lru_cache(maxsize=8192)
def _split(text: str) -> tuple[tuple[tuple[str, str], ...], str, tuple[str, ...]]:
    # As yoyo.migrations.read_sql_migration does, on the text instead of the path.
    statements = sqlparse.split(text)
    directives: dict[str, str] = {}
    leading_comment = ""
    if statements:
        directives, leading_comment, statements[0] = parse_metadata_from_sql_comments(statements[0])
    return tuple(directives.items()), leading_comment, tuple(s for s in statements if s.strip())


def read_sql_text(text: str) -> tuple[dict[str, str], str, list[str]]:
    """``(directives, leading comment, statements)`` of a migration's SQL ``text``, as yoyo reads a
    file holding it; fresh containers on every call (yoyo reverses the rollback's list in place)."""
    directives, leading_comment, statements = _split(text)
    return dict(directives), leading_comment, list(statements)


def read_sql_migration(path: str) -> tuple[dict[str, str], str, list[str]]:
    """:func:`read_sql_text` of the SQL file at ``path`` (nothing for a missing file, as yoyo)."""
    if not os.path.exists(path):
        return {}, "", []
    with open(path, encoding="UTF-8") as f:
        return read_sql_text(f.read())


def install() -> None:
    """Make yoyo's ``Migration.load`` read through :func:`read_sql_migration` (idempotent)."""
    yoyo.migrations.read_sql_migration = read_sql_migration
