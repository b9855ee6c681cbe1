"""Rows -> Pydantic models: exactly what validation gives, at a fraction of its cost.

:func:`row_factory` turns asyncpg ``Record``\\ s (or any mappings) into model instances. For a model
whose core schema :mod:`sqlfirst.trust` understands, each value is checked against its field's
check (its exact class, an enum label, ...) and the instance is built without running Pydantic;
any value that fails its check, a NULL in a non-Optional field included, sends the rows to
Pydantic's validation, so a typed result is always what validation gives (or its
``ValidationError``). Models the checks cannot cover (validators, constraints, aliases, nested
models...) are always validated.

The building runs in C when the optional accelerator ``sqlfirst._speedups`` was compiled at
install (see :data:`ACCELERATED`), else in a loop generated per result shape; both give the same
models. Pydantic's slot descriptors are looked up defensively: on a Pydantic that lacks them,
every row is validated (slower, still correct).
"""

from __future__ import annotations

import os
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
from pydantic import BaseModel

from sqlfirst.arguments import invalid_argument
from sqlfirst.errors import ConfigurationError
from sqlfirst.trust import KIND_CODES, FieldCheck, field_checks

__all__ = ["ACCELERATED", "RowFactory", "row_factory"]

ModelT = TypeVar("ModelT", bound=BaseModel)
Many = Callable[[Sequence[Any]], list[Any]]
One = Callable[[Any], Any]

_Fallback: type[Exception]
try:
    from sqlfirst import _speedups

    _RowBuilder: Any = _speedups.RowBuilder
    _Shapes: Any = getattr(_speedups, "Shapes", None)
    _Fallback = _speedups.Fallback
except ImportError:  # installed without a C compiler: the generated Python loop builds the rows
    _RowBuilder = None
    _Shapes = None

    class _PyFallback(Exception):
        """A value failed its field's check: the row needs validation."""

    _Fallback = _PyFallback


def _model_slots(base: type = BaseModel) -> tuple[Any, Any, Any] | None:
    """BaseModel's slot descriptors for what ``model_construct`` sets besides ``__dict__``, or None
    when this Pydantic keeps them elsewhere (then every row is validated)."""
    try:
        slots = tuple(
            base.__dict__[name]
            for name in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
        )
    except KeyError:
        return None
    if not all(type(s).__name__ == "member_descriptor" and hasattr(s, "__set__") for s in slots):
        return None
    return typing.cast(tuple[Any, Any, Any], slots)


_MODEL_SLOTS = _model_slots()
_SET_DICT = getattr(BaseModel.__dict__.get("__dict__"), "__set__", None)

ACCELERATED: bool = (
    _RowBuilder is not None
    and _MODEL_SLOTS is not None
    and os.environ.get("SQLFIRST_PURE_PYTHON", "").strip().lower() not in {"1", "true", "yes", "on"}
)
"""Whether checked rows become models in C (``sqlfirst._speedups``, compiled at install when a C
compiler is there) rather than in generated Python; ``SQLFIRST_PURE_PYTHON=1`` turns it off."""

_FALLBACKS = (KeyError, TypeError, ValueError, _Fallback)

_BY_POSITION = True
"""The C builder writes each row's values into its dict by position where the interpreter allows
it (CPython 3.11, 3.12: ``RowBuilder.by_position``), by key elsewhere, and stores a fresh instance's
Pydantic slots at their offsets rather than through their descriptors; tests turn
both off to check that either way gives the same models."""


class RowFactory(typing.Generic[ModelT]):
    """Turns rows into ``model`` instances; see :func:`row_factory`.

    Builders are made once per result shape (the column names in order) and cached, so a factory
    shared by queries of different shapes maps every value to its own field.
    """

    __slots__ = (
        "_accelerated",
        "_c_shapes",
        "_checks",
        "_front",
        "_model",
        "_shapes",
        "_validate",
        "build_many",
        "build_one",
    )

    def __init__(self, model: type[ModelT], *, accelerated: bool | None = None) -> None:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise invalid_argument("row_factory", "model", "a pydantic model class", model)
        if accelerated is not None and type(accelerated) is not bool:
            raise invalid_argument("row_factory", "accelerated", "True, False or None", accelerated)
        if accelerated and _RowBuilder is None:
            raise ConfigurationError("sqlfirst._speedups is not built (no C compiler at install)")
        self._accelerated = ACCELERATED if accelerated is None else accelerated
        self._model = model
        self._validate = model.__pydantic_validator__.validate_python
        self._checks = field_checks(model) if _MODEL_SLOTS is not None and _SET_DICT is not None else None
        self._shapes: dict[tuple[str, ...], tuple[Many, One]] = {}
        self._c_shapes: dict[tuple[str, ...], tuple[Any, Many, One]] = {}
        self.build_one: Callable[[Any], ModelT]
        """``factory(row)``, by the shortest path: with the C builder, asyncpg Records of the shape
        seen last are built without any Python code (the typed functions call this)."""
        self.build_many: Callable[[Sequence[Any]], list[ModelT]]
        """``factory.many(rows)``, by the shortest path (see :attr:`build_one`)."""
        self._front: Any = None
        """``sqlfirst._speedups.Shapes``: builds Records of the C-built shape seen last."""
        if self._accelerated and _Shapes is not None and self._checks is not None:
            self._front = _Shapes(asyncpg.Record, self.__call__, self.many)
            self.build_one, self.build_many = self._front.one, self._front.many
        else:
            self.build_one, self.build_many = self.__call__, self.many

    @property
    def trusted(self) -> bool:
        """Whether rows of this model can skip validation (values permitting)."""
        return self._checks is not None

    def _builders(self, columns: tuple[str, ...]) -> tuple[Many, One]:
        found = self._shapes.get(columns)
        if found is None:
            found = self._shapes[columns] = self._make(columns)
        built = self._c_shapes.get(columns)
        if built is not None:  # the front builds the shape seen last without Python
            self._front.remember(columns, *built)
        return found

    def _make(self, columns: tuple[str, ...]) -> tuple[Many, One]:
        validate = self._validate

        def validated_many(rows: Sequence[Any]) -> list[Any]:
            return [validate(dict(zip(columns, row, strict=True))) for row in rows]

        def validated_one(row: Any) -> Any:
            return validate(dict(zip(columns, row, strict=True)))

        checks = self._checks
        if checks is None or len(columns) != len(checks) or set(columns) != set(checks):
            return validated_many, validated_one
        if self._accelerated:
            built = _c_builders(self._model, columns, checks, validated_many, validated_one)
            if built is not None:
                builder, build_many, build_one = built
                self._c_shapes[columns] = (builder, validated_many, validated_one)
                return build_many, build_one
        return _python_builders(self._model, columns, checks, validated_many, validated_one)

    def __call__(self, row: Any) -> ModelT:
        """One row as a model."""
        columns = tuple(row.keys())
        if not isinstance(row, asyncpg.Record):
            row = tuple(row.values())  # a mapping (tests, callers): index it like a Record
        return typing.cast(ModelT, self._builders(columns)[1](row))

    def many(self, rows: Sequence[Any]) -> list[ModelT]:
        """All rows of one result as models."""
        if not rows:
            return []
        first = rows[0]
        if not isinstance(first, asyncpg.Record):
            return [self(row) for row in rows]
        # The rows of one result share their columns; a row of another length is caught per row.
        return self._builders(tuple(first.keys()))[0](rows)


def row_factory(model: type[ModelT], *, accelerated: bool | None = None) -> RowFactory[ModelT]:
    """A callable turning an asyncpg ``Record`` (or any mapping) into ``model``; ``.many(rows)`` for lists.

    The result is always what ``model.model_validate(dict(row))`` gives (see the module docstring).
    ``accelerated`` picks the C builder (True) or the generated Python one (False); by default the C
    one when it was compiled (:data:`ACCELERATED`).
    """
    return RowFactory(model, accelerated=accelerated)


def _c_builders(
    model: type[BaseModel],
    columns: tuple[str, ...],
    checks: Mapping[str, FieldCheck],
    fallback_many: Many,
    fallback_one: One,
) -> tuple[Any, Many, One] | None:
    """The C builder for ``columns`` with its ``many`` and ``one`` (falling back to validation), or
    None when it cannot build ``model`` (a class with its own ``__new__``, say)."""
    index = {column: i for i, column in enumerate(columns)}
    names = tuple(checks)
    try:
        builder = _RowBuilder(
            model,
            tuple(sys.intern(name) for name in names),
            tuple(index[name] for name in names),
            tuple(KIND_CODES[checks[name].kind] for name in names),
            tuple(checks[name].arg for name in names),
            tuple(checks[name].nullable for name in names),
            len(columns),
            set(names),
            # Frozen models never change their fields-set, so all instances share one.
            not model.model_config.get("frozen"),
            _MODEL_SLOTS,
            by_position=_BY_POSITION,
        )
    except (TypeError, ValueError):
        return None
    many, one = builder.many, builder.one

    def build_many(rows: Sequence[Any]) -> list[Any]:
        try:
            return typing.cast(list[Any], many(rows))
        except _FALLBACKS:
            return fallback_many(rows)

    def build_one(row: Any) -> Any:
        try:
            return one(row)
        except _FALLBACKS:
            return fallback_one(row)

    return builder, build_many, build_one


_JSON_LEAVES = frozenset({str, int, float, bool, type(None)})


def _json_native(value: object, container: type | None = None, depth: int = 0) -> bool:
    """The Python twin of the C builder's JSON check: only exact JSON-native objects, str keys."""
    kind = type(value)
    if container is not None and kind is not container:
        return False
    leaves = _JSON_LEAVES
    if kind is dict:
        if depth >= 200:
            return False
        for k, v in typing.cast(dict[object, object], value).items():
            if type(k) is not str:
                return False
            if type(v) not in leaves and not _json_native(v, None, depth + 1):
                return False
        return True
    if kind is list:
        if depth >= 200:
            return False
        for v in typing.cast(list[object], value):
            if type(v) not in leaves and not _json_native(v, None, depth + 1):
                return False
        return True
    return kind in leaves


def _list_of(value: object, arg: tuple[tuple[type, ...], bool]) -> bool:
    types_, nullable = arg
    return type(value) is list and all(
        (nullable if item is None else type(item) in types_) for item in typing.cast(list[object], value)
    )


def _str_keys(value: object) -> bool:
    return type(value) is dict and all(type(k) is str for k in typing.cast(dict[object, object], value))


def _python_builders(
    model: type[BaseModel],
    columns: tuple[str, ...],
    checks: Mapping[str, FieldCheck],
    fallback_many: Many,
    fallback_one: One,
) -> tuple[Many, One]:
    """Compile the row loop and the single-row builder for ``columns`` (names come from the model
    and the catalog; emitted with ``repr``)."""
    assert _MODEL_SLOTS is not None and _SET_DICT is not None
    # BaseModel's own slot descriptors: setting through them skips object.__setattr__'s name lookup.
    env: dict[str, Any] = {
        "_new": object.__new__,
        "_type": type,
        "_set_dict": _SET_DICT,
        "_set_fields_set": _MODEL_SLOTS[0].__set__,
        "_set_extra": _MODEL_SLOTS[1].__set__,
        "_set_private": _MODEL_SLOTS[2].__set__,
        "_model": model,
        "_Fallback": _Fallback,
        "_FALLBACKS": _FALLBACKS,
        "_fallback_many": fallback_many,
        "_fallback_one": fallback_one,
        "_Decimal": Decimal,
        "_json": _json_native,
        "_list_of": _list_of,
        "_str_keys": _str_keys,
    }
    index = {column: i for i, column in enumerate(columns)}
    items: list[str] = []
    tests: list[str] = []
    defaults: list[str] = []
    for name, check in checks.items():
        v = f"v{index[name]}"
        arg = f"_a{index[name]}"
        env[arg] = check.arg
        value = v
        test: str | None
        if check.kind == "any":
            test = None
        elif check.kind == "map":
            value = f"{arg}[{v}]"  # a KeyError sends the rows to validation
            test = None
        elif check.kind == "exact":
            types_ = typing.cast(tuple[type, ...], check.arg)
            if len(types_) == 1:
                env[arg] = types_[0]
                test = f"_type({v}) is not {arg}"
            else:
                test = f"_type({v}) not in {arg}"
        elif check.kind == "decimal":
            test = f"(_type({v}) is not _Decimal or not {v}.is_finite())"
        elif check.kind == "json":
            test = f"not _json({v}, {arg})"
        elif check.kind == "list":
            test = f"not _list_of({v}, {arg})"
        else:
            test = f"not _str_keys({v})"
        if test is not None:
            # A None fails every test but "any" and "map" (whose map holds None when it is allowed).
            tests.append(f"({v} is not None and {test})" if check.nullable else test)
        defaults.append(f"{arg}={arg}")
        items.append(f"{name!r}: {value}")
    unpack = ", ".join(f"v{i}" for i in range(len(columns))) + ","
    guard = f"if {' or '.join(tests)}:\n{{indent}}raise _Fallback" if tests else ""
    fields_set = "_shared_set" if model.model_config.get("frozen") else "set(_fields_set)"
    env["_shared_set"] = env["_fields_set"] = set(checks)
    source = f"""
def build_many(
    rows, _new=_new, _type=_type, _model=_model, _set_dict=_set_dict, _set_fields_set=_set_fields_set,
    _set_extra=_set_extra, _set_private=_set_private, _shared_set=_shared_set, _Fallback=_Fallback,
    {", ".join(defaults)}
):
    # Everything the loop touches is a default argument: a local (LOAD_FAST), not a global lookup.
    out = []
    append = out.append
    try:
        for ({unpack}) in rows:
            {guard.format(indent=" " * 16)}
            instance = _new(_model)
            _set_dict(instance, {{{", ".join(items)}}})
            _set_fields_set(instance, {fields_set})
            _set_extra(instance, None)
            _set_private(instance, None)
            append(instance)
    except _FALLBACKS:
        return _fallback_many(rows)
    return out

def build_one(row, _type=_type, _Fallback=_Fallback, {", ".join(defaults)}):
    try:
        ({unpack}) = row
        {guard.format(indent=" " * 12)}
        instance = _new(_model)
        _set_dict(instance, {{{", ".join(items)}}})
    except _FALLBACKS:
        return _fallback_one(row)
    _set_fields_set(instance, {fields_set})
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance
"""
    exec(compile(source, f"<sqlfirst rows of {model.__qualname__}>", "exec"), env)  # noqa: S102
    return env["build_many"], env["build_one"]
