"""`sqlfirst check` proves declarations against a migrated database, and catches what breaks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqlfirst import paths
from sqlfirst.binding import DECLARATIONS
from sqlfirst.check import check_database, run_check


@pytest.fixture
def sql_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sql"
    shutil.copytree(paths.sql_dir(), root)
    return root


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


async def test_every_query_is_verified_on_a_fresh_scratch_database(server_url: str) -> None:
    report = await run_check(server_url)
    assert report.problems == []
    declared = sum(1 for key in DECLARATIONS if (paths.sql_dir() / key[0] / f"{key[1]}.sql").exists())
    assert report.verified == declared >= 38


async def test_a_column_of_the_wrong_type_is_reported_with_file_and_line(db_url: str, sql_copy: Path) -> None:
    users_sql = sql_copy / "agent_hub" / "users.sql"
    _edit(
        users_sql,
        "select id, username, email, full_name, is_active, created_at, updated_at\n"
        "from agent_hub.users\nwhere id = :id;",
        "select id, username, length(email) as email, full_name, is_active, created_at, updated_at\n"
        "from agent_hub.users\nwhere id = :id;",
    )
    report = await check_database(db_url, sql_root=sql_copy)
    # A computed column is also one that check cannot prove NOT NULL: two problems, one place.
    assert {(p.path, p.line, p.query) for p in report.problems} == {(users_sql, 7, "get_user_by_id")}
    messages = " | ".join(p.message for p in report.problems)
    assert "column 'email' is int4 but annotated str" in messages
    assert "column 'email' cannot be proven NOT NULL" in messages


async def test_a_missing_column_and_a_nullable_column_for_a_required_field_are_reported(
    db_url: str, sql_copy: Path
) -> None:
    agents_sql = sql_copy / "agent_hub" / "agents.sql"
    _edit(
        agents_sql,
        "select id, name, display_name, description, owner_id, definition, metadata, is_public, "
        "created_at, updated_at\nfrom agent_hub.agents\nwhere id = :id;",
        "select id, description as name, display_name, description, owner_id, definition, is_public, "
        "created_at, updated_at\nfrom agent_hub.agents\nwhere id = :id;",
    )
    report = await check_database(db_url, sql_root=sql_copy)
    messages = " | ".join(p.message for p in report.problems)
    assert "field 'metadata' has no column" in messages
    assert "column 'name' is nullable but Agent.name is not Optional" in messages


async def test_a_parameter_of_the_wrong_type_is_reported(db_url: str, sql_copy: Path) -> None:
    _edit(
        sql_copy / "agent_hub" / "events.sql",
        "and sequence_number > :after_sequence",
        "and content > :after_sequence",
    )
    report = await check_database(db_url, sql_root=sql_copy)
    assert [p.query for p in report.problems] == ["list_session_events"]
    assert "parameter 'after_sequence' is text but annotated int" in report.problems[0].message


async def test_a_query_that_no_longer_prepares_is_reported(db_url: str, sql_copy: Path) -> None:
    _edit(sql_copy / "agent_hub" / "sessions.sql", "set state = :state", "set stat = :state")
    report = await check_database(db_url, sql_root=sql_copy)
    assert [p.query for p in report.problems] == ["update_session_state"]
    assert "does not prepare" in report.problems[0].message


async def test_queries_without_declarations_and_declarations_without_queries_are_reported(
    db_url: str, sql_copy: Path
) -> None:
    marketplace = sql_copy / "agent_hub" / "marketplace.sql"
    marketplace.write_text(
        marketplace.read_text().replace(
            "-- name: delete_marketplace_entry(agent_id)!", "-- name: drop_entry(agent_id)!"
        )
    )
    report = await check_database(db_url, sql_root=sql_copy)
    messages = sorted(p.message for p in report.problems)
    assert any("no typed declaration" in m for m in messages)
    assert any("sqlfirst.agent_hub.marketplace.withdraw but no longer in the file" in m for m in messages)


async def test_an_enum_column_read_into_another_enum_is_reported(db_url: str, sql_copy: Path) -> None:
    # deals.users.status is deals.userstatus (User.status: UserStatus); read a goalpriority instead.
    line = _edit(
        sql_copy / "deals" / "users.sql",
        "select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences,"
        " status,",
        "select id, email, name, sol_address, referral_code, referred_by, token_balance, preferences,"
        " 'high'::deals.goalpriority as status,",
    )
    report = await check_database(db_url, sql_root=sql_copy)
    messages = [p.message for p in report.problems if p.query == "get_user_by_id" and p.line == line - 2]
    assert any(
        "enum deals.goalpriority has ['high', 'medium', 'low'] but UserStatus has" in m for m in messages
    ), messages
