"""Differential property test: a built row is exactly what Pydantic's validation gives.

Every declared result model of every domain, plus models that exercise config, defaults, aliases,
enums, typed JSON, constraints, validators and Optional fields, is built from generated rows
(NULLs, wrong types, NaN, unknown labels, padded strings included; columns in a shuffled order)
through the C builder, the generated Python builder and plain ``model_validate``. The three must
agree: equal models with values of the same types, equal ``model_dump_json()``, the same fields-set,
and the same ValidationError (or none).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import typing
import uuid
import warnings
from decimal import Decimal
from enum import Enum, StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated, Any

import pytest
from asyncpg.pgproto import pgproto
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    field_validator,
    model_validator,
)

from sqlfirst import rows as rows_module
from sqlfirst.binding import DECLARATIONS
from sqlfirst.pgtypes import strip_optional
from sqlfirst.project import import_declarations
from sqlfirst.rows import row_factory

BUILT = rows_module._RowBuilder is not None
REQUIRED = os.environ.get("SQLFIRST_REQUIRE_SPEEDUPS", "").strip().lower() in {"1", "true", "yes", "on"}


class Color(StrEnum):
    RED = "red"
    GREEN = "green"


class Level(Enum):
    LOW = 1
    HIGH = 2


class Plain(BaseModel):
    id: uuid.UUID
    name: str
    note: str | None
    count: int
    ratio: float
    price: Decimal
    maybe_price: Decimal | None
    flag: bool
    color: Color
    maybe_color: Color | None
    at: dt.datetime
    day: dt.date
    span: dt.timedelta
    raw: bytes
    tags: list[str]
    doc: dict[str, Any]
    blob: dict[str, JsonValue]
    items: list[JsonValue]
    anything: Any
    json_value: JsonValue


class Stripped(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)
    name: str
    other: str | None


class Lowered(BaseModel):
    model_config = ConfigDict(str_to_lower=True)
    name: str


class Defaults(BaseModel):
    name: str = "x"
    count: int = 3
    doc: dict[str, JsonValue] = Field(default_factory=dict)


class Aliased(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str = Field(alias="Name")
    count: int


class TypedJson(BaseModel):
    ids: list[uuid.UUID]
    scores: dict[str, int]
    maybe_ids: list[uuid.UUID] | None
    nested: list[list[str]]


class Constrained(BaseModel):
    count: Annotated[int, Field(ge=0)]
    price: Annotated[Decimal, Field(max_digits=6, decimal_places=2)]
    name: Annotated[str, Field(min_length=1, max_length=5)]


class Validated(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def shout(cls, value: str) -> str:
        return value.upper()


class WholeModel(BaseModel):
    a: int
    b: int

    @model_validator(mode="after")
    def ordered(self) -> WholeModel:
        if self.a > self.b:
            raise ValueError("a > b")
        return self


class Finite(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    ratio: float
    price: Decimal


class InfDecimal(BaseModel):
    price: Annotated[Decimal, Field(allow_inf_nan=True)]


class Extra(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class Nested(BaseModel):
    inner: Plain | None
    level: Level


class Network(BaseModel):
    address: IPv4Address | IPv4Interface
    net: IPv4Network | None


class Times(BaseModel):
    at: AwareDatetime
    when: dt.time | None
    maybe_at: dt.datetime | None


EXTRA_MODELS: list[type[BaseModel]] = [
    Plain,
    Stripped,
    Lowered,
    Defaults,
    Aliased,
    TypedJson,
    Constrained,
    Validated,
    WholeModel,
    Finite,
    InfDecimal,
    Extra,
    Nested,
    Network,
    Times,
]


def _declared_models() -> list[type[BaseModel]]:
    import_declarations()
    found: dict[str, type[BaseModel]] = {}
    for decl in DECLARATIONS.values():
        model = decl.result_type
        if isinstance(model, type) and issubclass(model, BaseModel):
            found[f"{model.__module__}.{model.__qualname__}"] = model
    return [found[k] for k in sorted(found)]


MODELS = _declared_models() + EXTRA_MODELS

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64, max_value=2**70)
    | st.floats()
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
_uuids = st.uuids().flatmap(lambda u: st.sampled_from([u, pgproto.UUID(str(u))]))
_datetimes = st.datetimes(timezones=st.sampled_from([dt.UTC, None]))
_anything = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.decimals(),
    _uuids,
    _datetimes,
    st.dates(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=3),
    st.tuples(st.integers()),
    _json,
)


def _typical(tp: Any) -> st.SearchStrategy[Any]:
    """Values the driver would deliver for a field of this annotation (plus NULL)."""
    inner, _ = strip_optional(tp)
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    if isinstance(inner, type) and issubclass(inner, Enum):
        labels = [m.value for m in inner]
        return st.sampled_from([*labels, "nope"]) | st.sampled_from(labels)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=8) | st.sampled_from(["  padded  ", "UPPER", "", "\x00"]),
        int: st.integers() | st.booleans(),
        float: st.floats() | st.integers(),
        bool: st.booleans(),
        Decimal: st.decimals() | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("1.005")]),
        uuid.UUID: _uuids,
        dt.datetime: _datetimes | st.dates(),
        dt.date: st.dates() | _datetimes,
        dt.time: st.times(),
        dt.timedelta: st.timedeltas(),
        bytes: st.binary(max_size=6),
        IPv4Address: st.ip_addresses(v=4),
        IPv4Network: st.ip_addresses(v=4).map(lambda a: IPv4Network(f"{a}/32")),
        JsonValue: _json,
        Any: _json,
    }
    if inner in simple:
        return simple[inner]
    if origin is list and args:
        return st.lists(_typical(args[0]), max_size=3)
    if origin is dict and len(args) == 2:
        return st.dictionaries(st.text(max_size=3), _typical(args[1]), max_size=3)
    if inner is AwareDatetime:
        return _datetimes
    return _anything


def _row(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(model)
    fields = {
        name: st.one_of(_typical(hints[name]), _typical(hints[name]), st.none(), _anything)
        for name in model.model_fields
    }
    return st.fixed_dictionaries(fields).flatmap(
        lambda row: st.permutations(list(row.items())).map(dict)  # columns in any order
    )


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return _same(a.__dict__, b.__dict__) and a.model_fields_set == b.model_fields_set
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, Decimal) and a.is_nan():
        return b.is_nan()
    return bool(a == b)


def _outcome(build: Any) -> tuple[str, Any]:
    try:
        with warnings.catch_warnings():
            # ipaddress warns about int(False) when Pydantic tries a bool as an address.
            warnings.simplefilter("ignore", DeprecationWarning)
            return "ok", build()
    except ValidationError as exc:
        return "error", exc.errors(include_url=False, include_context=False)
    except Exception as exc:  # Pydantic itself fails on some inputs (an enum handed sNaN)
        return "raised", f"{type(exc).__name__}: {exc}"


def _builders() -> list[Any]:
    """(accelerated, by_position): the C builder writing values by position (CPython 3.11, 3.12) and
    by key (other interpreters), and the generated Python loop."""
    found = [pytest.param((False, True), id="python")]
    if BUILT or REQUIRED:
        found[:0] = [pytest.param((True, True), id="c"), pytest.param((True, False), id="c-by-key")]
    return found


@pytest.mark.parametrize("builder", _builders())
@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m.__module__.rpartition('.')[2]}.{m.__name__}")
def test_built_rows_equal_validated_rows(
    model: type[BaseModel], builder: tuple[bool, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    accelerated, by_position = builder
    monkeypatch.setattr(rows_module, "_BY_POSITION", by_position)
    factory = row_factory(model, accelerated=accelerated)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=st.lists(_row(model), min_size=1, max_size=3))
    def check(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            expected = _outcome(lambda row=row: model.model_validate(dict(row)))
            built = _outcome(lambda row=row: factory(row))
            assert built[0] == expected[0], (row, built, expected)
            if expected[0] == "ok":
                assert _same(built[1], expected[1]), (row, built[1], expected[1])
                assert _outcome(built[1].model_dump_json) == _outcome(expected[1].model_dump_json)
            else:
                assert _same(built[1], expected[1])
        # The batch path over rows of one shape (tuples in the first row's column order).
        columns = tuple(rows[0])
        batch = [tuple(row[c] for c in columns) for row in rows]
        expected_many = _outcome(
            lambda: [model.model_validate(dict(zip(columns, r, strict=True))) for r in batch]
        )
        built_many = _outcome(lambda: factory._builders(columns)[0](batch))
        assert built_many[0] == expected_many[0]
        if expected_many[0] == "ok":
            assert _same(built_many[1], expected_many[1])
            dumps = [_outcome(m.model_dump_json) for m in built_many[1]]
            assert dumps == [_outcome(m.model_dump_json) for m in expected_many[1]]

    check()


_PLAIN = (str, int, float, bool, bytes, Decimal, uuid.UUID, dt.datetime, dt.date, dt.time, dt.timedelta)


def _plain_annotation(tp: Any) -> bool:
    inner, _ = strip_optional(tp)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if inner in _PLAIN or inner is JsonValue or inner is Any:
        return True
    if isinstance(inner, type) and issubclass(inner, Enum):
        return True
    if origin is list and len(args) == 1:
        return args[0] in _PLAIN or args[0] is JsonValue or args[0] is Any
    if origin is dict and len(args) == 2:
        return args[0] is str and (args[1] is JsonValue or args[1] is Any)
    return False


def test_the_domains_plain_models_are_built_without_validation() -> None:
    """The fast path is not dead code: every declared model whose fields are all plain (no
    constraints, validators, addresses or nested models) is built without validation."""
    plain = [
        m
        for m in _declared_models()
        if all(_plain_annotation(info.annotation) and not info.metadata for info in m.model_fields.values())
        and not m.__pydantic_decorators__.field_validators
        and not m.__pydantic_decorators__.model_validators
    ]
    assert len(plain) >= 25
    assert [m.__qualname__ for m in plain if not row_factory(m).trusted] == []


@pytest.mark.parametrize(
    "model",
    [Stripped, Lowered, Aliased, TypedJson, Constrained, Validated, WholeModel, Finite, Extra, Nested],
)
def test_models_whose_schema_changes_values_are_always_validated(model: type[BaseModel]) -> None:
    assert not row_factory(model).trusted
