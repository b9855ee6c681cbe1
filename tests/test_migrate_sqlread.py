"""The memoised reading of SQL migrations reads what yoyo reads, and a changed file anew."""

from __future__ import annotations

from pathlib import Path

import yoyo.migrations

import sqlfirst.migrate  # noqa: F401  (installs the reader)
from sqlfirst import paths
from sqlfirst.migrate import sqlread


def test_every_migration_file_reads_as_yoyo_reads_it() -> None:
    files = sorted(paths.migrations_dir().glob("[0-9][0-9][0-9][0-9]_*.sql"))
    assert len(files) > 100
    for path in files:
        assert sqlread.read_sql_migration(str(path)) == sqlread._yoyo_read_sql_migration(str(path)), path
    assert yoyo.migrations.read_sql_migration is sqlread.read_sql_migration


def test_a_changed_file_is_read_again_and_callers_get_their_own_lists(tmp_path: Path) -> None:
    path = tmp_path / "0001_core_x.sql"
    path.write_text("-- depends: 0000_core_a\n-- transactional: false\ncreate table a (id int);\nselect 1;\n")
    directives, _, statements = sqlread.read_sql_migration(str(path))
    assert directives == {"depends": "0000_core_a", "transactional": "false"}
    assert [s.strip() for s in statements] == ["create table a (id int);", "select 1;"]
    statements.reverse()  # as yoyo does to a rollback's list: the next reader is not affected
    assert [s.strip() for s in sqlread.read_sql_migration(str(path))[2]] == [
        "create table a (id int);",
        "select 1;",
    ]
    path.write_text("-- depends: 0000_core_b\ncreate table b (id int);\n")
    directives, _, statements = sqlread.read_sql_migration(str(path))
    assert directives == {"depends": "0000_core_b"}
    assert [s.strip() for s in statements] == ["create table b (id int);"]
    assert sqlread.read_sql_migration(str(tmp_path / "missing.sql")) == ({}, "", [])
