"""A page size out of range is a ``pydantic.ValidationError`` in every domain, raised before the query
runs; never a bare ``ValueError`` (only sqlfirst.errors types and ValidationError leave the API)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import ValidationError

from sqlfirst.arguments import MAX_PAGE, page_size
from sqlfirst.db import Connection
from sqlfirst.easyflow import conversations, outbound
from sqlfirst.easyflow.models import MAX_PAGE as EASYFLOW_MAX_PAGE


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE + 1, True, 2.0, "5", None])
def test_the_engine_refuses_a_bad_page_size(limit: object) -> None:
    with pytest.raises(ValidationError):
        page_size(limit)  # type: ignore[arg-type]


def test_a_domain_may_lower_the_most() -> None:
    assert page_size(500, most=500) == 500
    with pytest.raises(ValidationError, match="less than or equal to 500"):
        page_size(501, most=500)


@pytest.mark.parametrize("limit", [0, EASYFLOW_MAX_PAGE + 1, True])
async def test_easyflow_listings_refuse_a_bad_page_size_with_a_validation_error(
    conn: Connection, limit: int
) -> None:
    with pytest.raises(ValidationError):
        await conversations.list_for_user(conn, user_id=uuid4(), limit=limit)
    with pytest.raises(ValidationError):
        await conversations.escalated(conn, limit=limit)
    with pytest.raises(ValidationError):
        await outbound.dead_letters(conn, limit=limit)
