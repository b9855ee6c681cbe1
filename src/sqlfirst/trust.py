"""When a row may become a model without Pydantic's validation, decided by Pydantic's own schema.

Validating a row costs more than the driver spends decoding it, and for most fields it does
nothing: a ``str`` field handed a ``str`` returns that very ``str``. This module reads a model's
*core schema* (what Pydantic itself will run, config included) and, for each field, derives the
cheapest check under which validation is provably the identity, as a :class:`FieldCheck`:

=========  ==========================================================================
kind       the value is kept as is when ...
=========  ==========================================================================
``any``    always (the field is ``Any``)
``exact``  its class is exactly one of ``arg`` (no subclass: ``bool`` is no ``int``)
``map``    it is a key of ``arg`` (enum label -> member; the member is stored)
``decimal`` it is exactly a ``Decimal`` and finite (Pydantic refuses NaN and infinities)
``json``   it is made only of exact dict (str keys), list, str, int, float, bool, None;
           ``arg`` is the required top-level class (dict, list) or None
``list``   it is exactly a list whose items are exactly one of ``arg[0]`` (None allowed
           when ``arg[1]``)
``dict``   it is exactly a dict whose keys are exactly ``str`` (values anything)
=========  ==========================================================================

plus ``nullable``: None is kept (the field is Optional) or sends the row to validation. A value
that fails its check sends the row to Pydantic, so the result is *always* what validation gives:
a model, or the ``ValidationError`` validation raises. A field whose schema is anything else
(constraints, validators, aliases, unions, nested models, ``str_strip_whitespace`` and the like in
the config) makes the whole model validated. Nothing here depends on a list of exclusions: an
unknown schema is simply not trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel

from sqlfirst.pgtypes import delivered_types

__all__ = ["KIND_CODES", "FieldCheck", "Kind", "field_checks"]

Kind = Literal["any", "exact", "map", "decimal", "json", "list", "dict"]
KIND_CODES: dict[Kind, int] = {"any": 0, "exact": 1, "map": 2, "decimal": 3, "json": 4, "list": 5, "dict": 6}
"""The C builder's numbering of the kinds (``sqlfirst/_speedups.c``)."""


@dataclass(frozen=True, slots=True)
class FieldCheck:
    kind: Kind
    arg: Any = None
    nullable: bool = False


class _Untrusted(Exception):
    """This schema needs Pydantic's validation."""


_SCALAR_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "bytes": bytes,
    "date": date,
    "time": time,
    "timedelta": timedelta,
    "datetime": datetime,
}
# Schema keys that never change the result for a value of the exact type (metadata, strictness,
# error texts). Any other key (a constraint, a transform) makes the field untrusted.
_NEUTRAL_KEYS = frozenset({"type", "ref", "metadata", "serialization", "strict"})
_NEUTRAL_BY_TYPE: dict[str, frozenset[str]] = {
    "datetime": frozenset({"microseconds_precision"}),  # 'truncate' checked below
    "time": frozenset({"microseconds_precision"}),
    "timedelta": frozenset({"microseconds_precision"}),
    "str": frozenset({"coerce_numbers_to_str", "regex_engine"}),
    "float": frozenset({"allow_inf_nan"}),  # checked below
    "decimal": frozenset({"allow_inf_nan"}),
    "list": frozenset({"items_schema", "fail_fast"}),
    "dict": frozenset({"keys_schema", "values_schema", "fail_fast"}),
    "enum": frozenset({"cls", "members", "sub_type", "missing"}),
}
# Config keys that change what a str field returns.
_STR_CONFIG = ("str_strip_whitespace", "str_to_lower", "str_to_upper", "str_min_length", "str_max_length")
_JSON_CHOICES = frozenset({"NoneType", "bool", "dict", "float", "int", "list", "str"})


def _plain(schema: Mapping[str, Any]) -> None:
    extra = set(schema) - _NEUTRAL_KEYS - _NEUTRAL_BY_TYPE.get(schema["type"], frozenset())
    if any(schema[key] is not None for key in extra):
        raise _Untrusted(f"{schema['type']} with {sorted(extra)}")


class _Reader:
    """Walks one model's core schema."""

    def __init__(self, definitions: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]) -> None:
        self.definitions = definitions
        self.config = config

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while schema["type"] == "definition-ref":
            found = self.definitions.get(schema["schema_ref"])
            if found is None:
                raise _Untrusted("unresolved reference")
            schema = found
        return schema

    def is_json_value(self, schema: Mapping[str, Any]) -> bool:
        """Pydantic's ``JsonValue``: a tagged union on the type name of the JSON kinds."""
        schema = self.resolve(schema)
        if schema["type"] != "json-or-python":
            return False
        python = schema.get("python_schema") or {}
        if python.get("type") != "tagged-union" or set(python.get("choices", {})) != _JSON_CHOICES:
            return False
        choices = python["choices"]
        for name in ("bool", "float", "int", "str"):
            inner = choices[name]
            if inner.get("type") != name:
                return False
            _plain(inner)
            if name == "float" and (
                inner.get("allow_inf_nan") is False or self.config.get("allow_inf_nan") is False
            ):
                return False
        if self.config.get("str_strip_whitespace") or any(self.config.get(k) for k in _STR_CONFIG):
            return False
        return (
            choices["NoneType"].get("type") == "none"
            and self._json_container(choices["dict"], "dict")
            and self._json_container(choices["list"], "list")
        )

    def _json_container(self, schema: Mapping[str, Any], kind: str) -> bool:
        if schema.get("type") != kind:
            return False
        _plain(schema)
        if kind == "dict":
            keys = schema.get("keys_schema", {"type": "any"})
            if keys.get("type") != "str":
                return False
            _plain(keys)
            return self._refers_back(schema.get("values_schema"))
        return self._refers_back(schema.get("items_schema"))

    def _refers_back(self, schema: Mapping[str, Any] | None) -> bool:
        # The recursion of JsonValue: a reference to the same definition (checked by its shape).
        return schema is not None and schema.get("type") == "definition-ref"

    def field(self, schema: Mapping[str, Any]) -> FieldCheck:
        nullable = False
        while True:
            kind = schema["type"]
            if kind == "default":
                schema = schema["schema"]  # the column is always there: the default never applies
            elif kind == "nullable":
                nullable = True
                schema = schema["schema"]
            elif kind == "definition-ref" and not self.is_json_value(schema):
                schema = self.resolve(schema)
            else:
                break
        check = self.value(schema)
        if check.kind == "any":
            return FieldCheck("any", None, True)
        if check.kind == "map" and nullable:
            return FieldCheck("map", {**check.arg, None: None}, True)
        return FieldCheck(check.kind, check.arg, nullable)

    def value(self, schema: Mapping[str, Any]) -> FieldCheck:
        if self.is_json_value(schema):
            return FieldCheck("json", None)
        kind = schema["type"]
        if kind == "any":
            return FieldCheck("any")
        if kind in _SCALAR_TYPES:
            _plain(schema)
            if schema.get("microseconds_precision", "truncate") != "truncate":
                raise _Untrusted("microseconds_precision")
            if kind == "str" and any(self.config.get(k) for k in _STR_CONFIG):
                raise _Untrusted("str config")
            if kind == "float" and (
                schema.get("allow_inf_nan") is False or self.config.get("allow_inf_nan") is False
            ):
                raise _Untrusted("finite float")
            return FieldCheck("exact", delivered_types(_SCALAR_TYPES[kind]))
        if kind == "uuid":
            _plain(schema)
            return FieldCheck("exact", delivered_types(UUID))
        if kind == "decimal":
            _plain(schema)
            if schema.get("allow_inf_nan", self.config.get("allow_inf_nan")) is True:
                return FieldCheck("exact", (Decimal,))
            return FieldCheck("decimal", Decimal)
        if kind == "enum":
            _plain(schema)
            cls = schema["cls"]
            if not (isinstance(cls, type) and issubclass(cls, Enum)):
                raise _Untrusted("enum")
            return FieldCheck("map", {member.value: member for member in cls})
        if kind == "list":
            _plain(schema)
            items = schema.get("items_schema", {"type": "any"})
            if self.is_json_value(items):
                return FieldCheck("json", list)
            item = self.field(items)
            if item.kind == "any":
                return FieldCheck("exact", (list,))
            if item.kind != "exact":
                raise _Untrusted("list items")
            return FieldCheck("list", (item.arg, item.nullable))
        if kind == "dict":
            _plain(schema)
            keys = self.resolve(schema.get("keys_schema", {"type": "any"}))
            values = schema.get("values_schema", {"type": "any"})
            if keys["type"] not in ("str", "any"):
                raise _Untrusted("dict keys")
            if keys["type"] == "str":
                _plain(keys)
                if any(self.config.get(k) for k in _STR_CONFIG):
                    raise _Untrusted("str config")
            if self.is_json_value(values):
                return FieldCheck("json", dict)
            if self.resolve(values)["type"] == "any":
                return FieldCheck("dict") if keys["type"] == "str" else FieldCheck("exact", (dict,))
            raise _Untrusted("dict values")
        raise _Untrusted(kind)


def field_checks(model: type[BaseModel]) -> dict[str, FieldCheck] | None:
    """Per-field checks under which ``model`` may be built without validation, or None.

    None means: always validate (the schema does more than keep values, or is not understood).
    """
    try:
        schema: Mapping[str, Any] = model.__pydantic_core_schema__
    except AttributeError:
        return None
    definitions: dict[str, Mapping[str, Any]] = {}
    if schema.get("type") == "definitions":
        definitions = {d["ref"]: d for d in schema.get("definitions", ()) if "ref" in d}
        schema = schema["schema"]
    if schema.get("type") == "definition-ref":
        schema = definitions.get(schema.get("schema_ref", ""), {"type": "?"})
    if (
        schema.get("type") != "model"
        or schema.get("cls") is not model
        or schema.get("custom_init")
        or schema.get("root_model")
        or schema.get("post_init")
        or model.__private_attributes__
    ):
        return None
    config: Mapping[str, Any] = schema.get("config") or {}
    if config.get("extra_fields_behavior") == "allow":
        return None  # validation would set __pydantic_extra__ to {}
    fields_schema = schema.get("schema") or {}
    if fields_schema.get("type") != "model-fields" or fields_schema.get("extras_schema"):
        return None
    if fields_schema.get("extra_behavior") == "allow":
        return None
    reader = _Reader(definitions, config)
    checks: dict[str, FieldCheck] = {}
    try:
        for name, field in fields_schema["fields"].items():
            if field.get("type") != "model-field":
                return None
            alias = field.get("validation_alias")
            if alias is not None and alias != name:
                return None
            checks[name] = reader.field(field["schema"])
    except (_Untrusted, KeyError, TypeError):
        return None
    if list(checks) != list(model.model_fields):
        return None
    return checks
