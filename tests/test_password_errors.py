"""A rejected password is reported in characters and never appears in the error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import users as hub_users
from sqlfirst.db import Connection
from sqlfirst.deals import users as deals_users

SECRET = "s3cr3t!"  # seven characters: one too few


async def test_agent_hub_create_rejects_a_short_password_without_echoing_it(conn: Connection) -> None:
    with pytest.raises(ValidationError) as caught:
        await hub_users.create(conn, username="ada", email="ada@example.com", password=SECRET)
    assert "Password should have at least 8 characters" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_deals_create_rejects_a_short_password_without_echoing_it(conn: Connection) -> None:
    with pytest.raises(ValidationError) as caught:
        await deals_users.create(conn, email="ada@example.com", password=SECRET)
    assert "at least 8 characters" in str(caught.value)
    assert SECRET not in str(caught.value)


async def test_changing_to_a_too_long_password_is_refused_without_echoing_it(conn: Connection) -> None:
    user = await hub_users.create(conn, username="bob", email="bob@example.com", password="long enough")
    huge = "x" * 1025
    with pytest.raises(ValidationError) as caught:
        await hub_users.set_password(conn, id=user.id, password=huge)
    assert "at most 1024 characters" in str(caught.value)
    assert huge not in str(caught.value)
