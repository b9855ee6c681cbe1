"""``SqlFile.query(validate=Model)``: the declaration names its input model, and the call's arguments go
through it (``ValidationError`` before the database), the query getting the validated values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PastDate, StringConstraints, ValidationError

from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Executor, connect_one
from sqlfirst.errors import QueryDeclarationError

QUERIES = """\
-- name: echo_item(name, price, tags, note)^
-- What the query was sent.
select :name::text as name, :price::numeric as price, :tags::jsonb as tags, :note::text as note;
"""


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    price: Annotated[Decimal, Field(ge=0, decimal_places=2)]
    tags: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None


class Echo(BaseModel):
    name: str
    price: Decimal
    tags: dict[str, Any]
    note: str | None


@pytest.fixture
def sql(tmp_path: Path) -> SqlFile:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "items.sql").write_text(QUERIES)
    return SqlFile("demo", "items", root=tmp_path)


def _declare(sql: SqlFile) -> Any:
    @sql.query("echo_item", validate=ItemIn)
    async def echo(
        conn: Executor,
        *,
        name: str,
        price: Decimal | int | str,
        tags: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> Echo | None:
        """What the query was sent."""

    return echo


async def test_the_query_gets_the_validated_values(sql: SqlFile, conn: Connection) -> None:
    echo = _declare(sql)
    got = await echo(conn, name="  lamp ", price="19.90")
    assert got == Echo(name="lamp", price=Decimal("19.90"), tags={}, note=None)  # stripped, parsed, defaulted
    got = await echo(conn, name="lamp", price=3, tags={"a": [1]}, note=None)
    assert got == Echo(name="lamp", price=Decimal(3), tags={"a": [1]}, note=None)  # an Optional keeps None


@pytest.mark.parametrize(
    "bad", [{"name": " ", "price": 1}, {"name": "x", "price": -1}, {"name": "x", "price": "1.234"}]
)
async def test_bad_input_is_a_validation_error_before_the_database(
    sql: SqlFile, shared_url: str, bad: dict[str, Any]
) -> None:
    echo = _declare(sql)
    closed = await connect_one(shared_url)
    await closed.close()  # a call that reached the connection would fail with a connection error
    with pytest.raises(ValidationError):
        await echo(closed, **bad)


def test_check_compares_what_the_query_is_sent(sql: SqlFile) -> None:
    echo = _declare(sql)
    types = echo.__sqlfirst__.parameter_types
    assert types["price"] is Decimal and types["tags"] == dict[str, Any]
    assert echo.__sqlfirst__.validate is ItemIn


def test_a_pydantic_marker_type_is_recorded_as_what_it_validates_to(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "times.sql").write_text(
        "-- name: echo_time(at, day)$\n-- What the query was sent.\n"
        "select coalesce(:at::timestamptz, :day::date);\n"
    )

    class When(BaseModel):
        at: AwareDatetime | None = None
        day: Annotated[PastDate, Field(description="a day")]

    @SqlFile("demo", "times", root=tmp_path).query("echo_time", validate=When)
    async def echo_time(conn: Executor, *, at: datetime | None, day: date) -> datetime | None:
        """What the query was sent."""

    types = echo_time.__sqlfirst__.parameter_types  # type: ignore[attr-defined]
    assert types["at"] == datetime | None and types["day"] is date


def test_a_model_field_that_is_not_a_parameter_fails_at_import(sql: SqlFile) -> None:
    class Wider(ItemIn):
        colour: str = "red"

    with pytest.raises(QueryDeclarationError, match=r"fields \['colour'\] are not parameters"):

        @sql.query("echo_item", validate=Wider)
        async def echo(
            conn: Executor, *, name: str, price: Decimal, tags: dict[str, Any], note: str | None
        ) -> Echo | None: ...

    with pytest.raises(QueryDeclarationError, match="takes a Pydantic model class"):
        sql.query("echo_item", validate=dict)  # type: ignore[arg-type]


async def test_none_stands_for_the_default_only_where_the_declaration_takes_none(
    sql: SqlFile, conn: Connection
) -> None:
    class Strict(BaseModel):
        name: str
        price: Decimal = Decimal(0)
        tags: dict[str, Any] = Field(default_factory=dict)
        note: str | None = None

    @sql.query("echo_item", validate=Strict)
    async def echo(
        conn: Executor,
        *,
        name: str,
        price: Decimal = Decimal(0),
        tags: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> Echo | None:
        """What the query was sent."""

    assert echo.__sqlfirst__.none_means_default == {"tags"}
    got = await echo(conn, name="x", tags=None)  # declared `| None = None`: the model's {} applies
    assert got == Echo(name="x", price=Decimal(0), tags={}, note=None)
    with pytest.raises(ValidationError):  # declared `Decimal`: a None is refused, not defaulted
        await echo(conn, name="x", price=None)  # type: ignore[arg-type]
