"""Both row builders (the C accelerator and the generated Python loop) give the same models.

``SQLFIRST_REQUIRE_SPEEDUPS=1`` (set by CI) turns a missing accelerator into a failure instead of
a skip, so CI proves the compiled path is the one measured and tested.
"""

from __future__ import annotations

import gc
import os
import sys
import weakref
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from sqlfirst import rows as rows_module
from sqlfirst.agent_hub import events
from sqlfirst.agent_hub.models import Event, EventAuthor
from sqlfirst.db import Connection
from sqlfirst.rows import row_factory
from tests.agent_hub.factories import make_session

BUILT = rows_module._RowBuilder is not None
REQUIRED = os.environ.get("SQLFIRST_REQUIRE_SPEEDUPS", "").strip().lower() in {"1", "true", "yes", "on"}

SETTERS = rows_module._MODEL_SLOTS


def c_builder(
    model: type[BaseModel],
    keys: tuple[str, ...],
    kinds: tuple[int, ...],
    args: tuple[Any, ...],
    copy: bool = False,
) -> Any:
    """A raw C RowBuilder over rows whose columns are ``keys`` in order."""
    return rows_module._RowBuilder(
        model,
        keys,
        tuple(range(len(keys))),
        kinds,
        args,
        (True,) * len(keys),
        len(keys),
        set(keys),
        copy,
        SETTERS,
    )


BUILDERS = [
    pytest.param(
        True,
        id="c",
        marks=pytest.mark.skipif(not BUILT and not REQUIRED, reason="sqlfirst._speedups not compiled"),
    ),
    pytest.param(False, id="python"),
]


class Mood(StrEnum):
    CALM = "calm"
    LOUD = "loud"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    mood: Mood
    maybe: Mood | None
    tags: list[str]
    doc: dict[str, Any]


class Mutable(BaseModel):
    id: int
    mood: Mood
    note: str | None


class OwnNew(BaseModel):
    id: int

    def __new__(cls, *args: Any, **kwargs: Any) -> OwnNew:
        return super().__new__(cls)


def test_the_accelerator_is_built_where_required() -> None:
    if not REQUIRED:
        pytest.skip("SQLFIRST_REQUIRE_SPEEDUPS is not set")
    assert BUILT, "sqlfirst._speedups did not compile at install"
    assert rows_module.ACCELERATED


@pytest.mark.parametrize("accelerated", BUILDERS)
def test_rows_become_models_with_enums_converted(accelerated: bool) -> None:
    build = row_factory(Frozen, accelerated=accelerated)
    rows = [
        {"id": 1, "mood": "calm", "maybe": None, "tags": ["a"], "doc": {"k": [1]}},
        {"id": 2, "mood": "loud", "maybe": "calm", "tags": [], "doc": {}},
    ]
    first, second = build.many(rows)
    assert first == Frozen(id=1, mood=Mood.CALM, maybe=None, tags=["a"], doc={"k": [1]})
    assert second == Frozen.model_validate(rows[1])
    assert first.mood is Mood.CALM and second.maybe is Mood.CALM
    assert first.model_fields_set == set(Frozen.model_fields)
    assert first.__pydantic_extra__ is None and first.__pydantic_private__ is None
    assert first.model_dump() == {"id": 1, "mood": "calm", "maybe": None, "tags": ["a"], "doc": {"k": [1]}}
    assert build(rows[0]) == first
    with pytest.raises(ValidationError):
        first.id = 5  # type: ignore[misc]  # frozen


@pytest.mark.parametrize("accelerated", BUILDERS)
def test_columns_that_differ_from_the_fields_fall_back_to_validation(accelerated: bool) -> None:
    build = row_factory(Frozen, accelerated=accelerated)
    model = build({"id": "3", "mood": "calm", "maybe": None, "tags": [], "doc": {}, "extra": 1})
    assert model.id == 3
    assert "extra" not in model.__dict__


@pytest.mark.parametrize("accelerated", BUILDERS)
def test_mutable_models_own_their_fields_set(accelerated: bool) -> None:
    build = row_factory(Mutable, accelerated=accelerated)
    one, two = build.many([{"id": 1, "mood": "calm", "note": None}, {"id": 2, "mood": "loud", "note": "x"}])
    assert one.model_fields_set is not two.model_fields_set
    one.note = "changed"
    assert one.note == "changed" and two.note == "x"
    copy = one.model_copy(update={"id": 9})
    assert copy.id == 9 and one.id == 1


@pytest.mark.parametrize("accelerated", BUILDERS)
def test_an_unknown_enum_label_is_reported_by_pydantic(accelerated: bool) -> None:
    build = row_factory(Mutable, accelerated=accelerated)
    build.many([{"id": 1, "mood": "calm", "note": None}])  # fixes the column order
    with pytest.raises(ValidationError, match="mood"):
        build.many([{"id": 1, "mood": "calm", "note": None}, {"id": 2, "mood": "grumpy", "note": None}])
    with pytest.raises(ValidationError, match="mood"):
        build({"id": 3, "mood": ["unhashable"], "note": None})


@pytest.mark.parametrize("accelerated", BUILDERS)
def test_a_class_with_its_own_new_is_still_built(accelerated: bool) -> None:
    assert row_factory(OwnNew, accelerated=accelerated).many([{"id": 4}]) == [OwnNew(id=4)]


@pytest.mark.parametrize("accelerated", BUILDERS)
async def test_a_page_from_the_database_equals_validated_models(conn: Connection, accelerated: bool) -> None:
    session = await make_session(conn)
    for n in range(3):
        await events.append(conn, session_id=session.id, author="user", content=f"m{n}", metadata={"n": n})
    records = await conn.fetch(
        events._list_page.__sqlfirst__.query.sql,  # type: ignore[attr-defined]
        session.id,
        0,
        50,
    )
    built = row_factory(Event, accelerated=accelerated).many(records)
    assert built == [Event.model_validate(dict(r)) for r in records]
    assert [e.author for e in built] == [EventAuthor.USER] * 3
    assert [e.metadata for e in built] == [{"n": 0}, {"n": 1}, {"n": 2}]


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
def test_values_go_in_by_position_where_the_interpreter_allows_it() -> None:
    # On CPython 3.11 and 3.12 each row's dict is a copy of the template whose values are replaced
    # by position; the differential test checks that this gives what validation gives.
    keys = tuple(Frozen.model_fields)
    builder = c_builder(Frozen, keys, (0,) * len(keys), (None,) * len(keys))
    expected = sys.implementation.name == "cpython" and sys.version_info[:2] in {(3, 11), (3, 12)}
    assert builder.by_position == int(expected)
    by_key = rows_module._RowBuilder(
        Frozen,
        keys,
        tuple(range(len(keys))),
        (0,) * len(keys),
        (None,) * len(keys),
        (True,) * len(keys),
        len(keys),
        set(keys),
        False,
        SETTERS,
        by_position=False,
    )
    assert by_key.by_position == 0
    row = (1, Mood.CALM, None, ["a"], {"k": [1, None]})
    built, keyed = builder.one(row), by_key.one(row)
    assert built.__dict__ == keyed.__dict__ == dict(zip(keys, row, strict=True))
    assert list(built.__dict__) == list(keys)  # insertion order too
    built.__dict__["extra"] = 1  # the copy is an ordinary dict: it grows and looks up like one
    assert built.__dict__["extra"] == 1 and built.__dict__["mood"] is Mood.CALM


class _Sentinel:
    """Something a weak reference can watch, inside a row's value."""


@pytest.mark.parametrize(
    "builder",
    [
        pytest.param((True, True), id="c", marks=pytest.mark.skipif(not BUILT, reason="not compiled")),
        pytest.param(
            (True, False), id="c-by-key", marks=pytest.mark.skipif(not BUILT, reason="not compiled")
        ),
        pytest.param((False, True), id="python"),
    ],
)
def test_a_cycle_through_a_built_model_is_collected(
    builder: tuple[bool, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The C builder's dict is a copy of a template of str keys and None, which the collector does
    # not track; values written by position must make it tracked, as PyDict_SetItem does, or a
    # cycle through the model (a value that refers back to it) is never freed.
    accelerated, by_position = builder
    monkeypatch.setattr(rows_module, "_BY_POSITION", by_position)
    build = row_factory(Frozen, accelerated=accelerated)
    sentinel = _Sentinel()
    watch = weakref.ref(sentinel)
    doc: dict[str, Any] = {"kept": sentinel}
    built = build.many([{"id": 1, "mood": "calm", "maybe": None, "tags": ["a"], "doc": doc}])[0]
    assert built.doc is doc and gc.is_tracked(built.__dict__)
    doc["model"] = built  # the cycle: model -> __dict__ -> doc -> model
    del built, doc, sentinel
    gc.collect()
    assert watch() is None


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
def test_the_template_dict_is_out_of_python_s_reach() -> None:
    # Rows' dicts are written by the template's layout: Python code must not get hold of it to
    # change it (gc.get_referents of the builder would hand it out if the builder visited it).
    keys = tuple(Frozen.model_fields)
    builder = c_builder(Frozen, keys, (0,) * len(keys), (None,) * len(keys))
    assert not [r for r in gc.get_referents(builder) if isinstance(r, dict) and set(r) == set(keys)]


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
def test_the_c_builder_keeps_reference_counts_balanced() -> None:
    build = row_factory(Frozen, accelerated=True)
    tags = ["shared"]
    rows = [{"id": i, "mood": "calm", "maybe": None, "tags": tags, "doc": {}} for i in range(10)]
    build.many(rows)  # fixes the column order
    bad: list[tuple[Any, ...]] = [(1, "nope", None, tags, {})]
    gc.collect()
    before = sys.getrefcount(tags), sys.getrefcount(Mood.CALM), sys.getrefcount(Frozen)
    for _ in range(200):
        built = build.many(rows)
    shares_values = built[3].tags is tags
    del built
    assert shares_values
    fallback = rows_module._Fallback
    for _ in range(50):  # the error path releases what it took, too
        with pytest.raises(fallback):
            c_builder(
                Frozen,
                tuple(Frozen.model_fields),
                (1, 2, 2, 0, 0),
                (
                    (int,),
                    {m.value: m for m in Mood},
                    {m.value: m for m in Mood},
                    None,
                    None,
                ),
            ).many(bad)
    gc.collect()
    assert (sys.getrefcount(tags), sys.getrefcount(Mood.CALM), sys.getrefcount(Frozen)) == before


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
def test_the_c_builder_rejects_what_it_cannot_build() -> None:
    with pytest.raises(TypeError, match=r"object\.__new__"):
        c_builder(OwnNew, ("id",), (0,), (None,))
    with pytest.raises(ValueError, match="distinct"):
        c_builder(Mutable, ("id", "id"), (0, 0), (None, None))
    with pytest.raises(ValueError, match="differ in length"):
        rows_module._RowBuilder(Mutable, ("id",), (0,), (0,), (), (True,), 1, {"id"}, False, SETTERS)
    with pytest.raises(ValueError, match="bad check"):
        c_builder(Mutable, ("id",), (1,), ("not a tuple of types",))
    with pytest.raises(ValueError, match="out of range"):
        rows_module._RowBuilder(Mutable, ("id",), (3,), (0,), (None,), (True,), 1, {"id"}, False, SETTERS)
    builder = c_builder(Mutable, ("id", "mood", "note"), (0, 0, 0), (None, None, None))
    with pytest.raises(rows_module._Fallback):
        builder.one((1, "calm"))  # a row of another length: validation decides
    with pytest.raises(TypeError, match="sequence"):
        builder.many(5)
    with pytest.raises(TypeError, match="slot descriptors"):
        rows_module._RowBuilder(
            Mutable, ("id",), (0,), (0,), (None,), (True,), 1, {"id"}, False, (property(), *SETTERS[1:])
        )


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
def test_the_c_builder_survives_rows_that_run_python_code() -> None:
    builder = c_builder(Mutable, ("id", "mood", "note"), (0, 0, 0), (None, None, None), copy=True)
    rows: list[Any] = []

    class Meddling(tuple[Any, ...]):
        def __len__(self) -> int:
            rows.clear()  # the caller's list empties while the builder walks it
            gc.collect()
            return super().__len__()

    rows.extend(Meddling((i, "calm", None)) for i in range(5))
    built = builder.many(rows)
    assert [m.id for m in built] == [0, 1, 2, 3, 4] and rows == []


def test_a_pydantic_without_the_expected_slots_is_detected() -> None:
    class Elsewhere:
        __pydantic_fields_set__ = property(lambda self: set())

    assert rows_module._model_slots(Elsewhere) is None
    assert rows_module._model_slots() is not None  # today's Pydantic has them


def test_without_pydantics_slots_every_row_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "_MODEL_SLOTS", None)
    build = row_factory(Mutable, accelerated=False)
    assert not build.trusted
    row = {"id": 1, "mood": "calm", "note": None}
    assert build(row) == Mutable.model_validate(row)
    with pytest.raises(ValidationError):
        build({"id": 1, "mood": "grumpy", "note": None})


_USER_COLUMNS = "id, username, email, full_name, is_active, created_at, updated_at"


@pytest.mark.parametrize("accelerated", BUILDERS)
async def test_the_shortest_path_follows_every_shape_and_falls_back_to_validation(
    conn: Connection, accelerated: bool
) -> None:
    """``build_one``/``build_many`` (what typed functions call) keep the shape seen last in C:
    records of another shape, mappings, and values that fail their checks still give exactly
    what validation gives."""
    from sqlfirst.agent_hub import users
    from sqlfirst.agent_hub.models import User

    await users.create(conn, username="ada", email="ada@example.com", password="correct horse")
    await users.create(conn, username="bob", email="bob@example.com", password="correct horse")
    build = row_factory(User, accelerated=accelerated)
    natural = await conn.fetch(f"select {_USER_COLUMNS} from agent_hub.users order by username")
    reordered = await conn.fetch(
        "select updated_at, email, id, is_active, username, created_at, full_name"
        " from agent_hub.users order by username"
    )
    # A NULL where the model wants a str: the C check fails, validation raises.
    broken = await conn.fetch(
        "select id, null::text as username, email, full_name, is_active, created_at, updated_at"
        " from agent_hub.users order by username"
    )
    expected = [User.model_validate(dict(r)) for r in natural]
    for _ in range(3):  # alternate shapes: each switch goes through the Python path and back
        assert [build.build_one(r) for r in natural] == expected
        assert build.build_many(reordered) == expected
        assert build.build_one(dict(natural[0])) == expected[0]
        assert build.build_many([dict(r) for r in reordered]) == expected
        with pytest.raises(ValidationError, match="username"):
            build.build_one(broken[0])
        with pytest.raises(ValidationError, match="username"):
            build.build_many(broken)
        assert build.build_many([]) == []
    assert build.build_one(natural[1]).username == "bob"


@pytest.mark.skipif(not BUILT, reason="sqlfirst._speedups not compiled")
async def test_the_c_front_keeps_reference_counts_balanced(conn: Connection) -> None:
    from sqlfirst.agent_hub import users
    from sqlfirst.agent_hub.models import User

    await users.create(conn, username="ada", email="ada@example.com", password="correct horse")
    build = row_factory(User, accelerated=True)
    records = await conn.fetch(f"select {_USER_COLUMNS} from agent_hub.users")
    broken = await conn.fetch(
        f"select {_USER_COLUMNS.replace('username', 'null::text as username')} from agent_hub.users"
    )
    build.build_many(records)
    gc.collect()
    before = sys.getrefcount(records[0]), sys.getrefcount(User), sys.getrefcount(broken[0])
    for _ in range(200):
        built = build.build_one(records[0])
        build.build_many(records)
        with pytest.raises(ValidationError):
            build.build_one(broken[0])
    del built
    gc.collect()
    assert (sys.getrefcount(records[0]), sys.getrefcount(User), sys.getrefcount(broken[0])) == before
