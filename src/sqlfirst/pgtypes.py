"""What the driver delivers for each PostgreSQL type, and how to read a field's annotation.

One table serves both sides of the promise that a typed result is true: ``sqlfirst check`` compares
a result column's type with the model field's annotation through it, and the row builders
(:mod:`sqlfirst.rows`) check every value's exact type against the same Python types before they
skip Pydantic's validation.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from typing import Any

from asyncpg.pgproto import pgproto

__all__ = ["DRIVER_TYPES", "DRIVER_UUID", "PARAM_WIDENING", "delivered_types", "strip_optional"]

DRIVER_UUID: type[uuid.UUID] = pgproto.UUID
"""asyncpg decodes ``uuid`` to its own subclass of :class:`uuid.UUID` (Pydantic keeps it as is)."""

DRIVER_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int2": (int,),
    "int4": (int,),
    "int8": (int,),
    "oid": (int,),
    "float4": (float,),
    "float8": (float,),
    "numeric": (Decimal,),
    "text": (str,),
    "varchar": (str,),
    "bpchar": (str,),
    "name": (str,),
    "citext": (str,),
    "uuid": (uuid.UUID,),
    "timestamptz": (datetime,),
    "timestamp": (datetime,),
    "date": (date,),
    "time": (time,),
    "timetz": (time,),
    "interval": (timedelta,),
    "bytea": (bytes,),
    # asyncpg returns an address for a full-length prefix (/32, /128) and an interface otherwise.
    "inet": (IPv4Address, IPv6Address, IPv4Interface, IPv6Interface),
    "cidr": (IPv4Network, IPv6Network),
}
"""PostgreSQL type name -> the Python types asyncpg's codecs deliver for it (``uuid.UUID`` stands
for asyncpg's subclass). json/jsonb (dict, list, str, int, float, bool, None), enums (their label,
a ``str``) and arrays (``list``) are handled by kind, not by this table."""

PARAM_WIDENING: dict[str, tuple[type, ...]] = {"float4": (int,), "float8": (int,), "numeric": (int,)}
"""Python values a *parameter* of this type also accepts: asyncpg encodes them losslessly."""

_EXACT_RUNTIME: dict[type, tuple[type, ...]] = {uuid.UUID: (uuid.UUID, DRIVER_UUID)}


def delivered_types(tp: type) -> tuple[type, ...]:
    """The exact runtime classes a value of annotation ``tp`` arrives as (``UUID`` has two)."""
    return _EXACT_RUNTIME.get(tp, (tp,))


def strip_optional(tp: Any) -> tuple[Any, bool]:
    """Remove ``Annotated``, ``Optional`` and type-alias layers; report whether None is allowed.

    A union of several non-None types is returned as a ``Union`` of them.
    """
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = typing.get_args(tp)
            rest = [a for a in args if a is not type(None)]
            if len(rest) < len(args):
                optional = True
            if len(rest) == 1:
                tp = rest[0]
                continue
            return typing.Union[tuple(rest)], optional  # noqa: UP007
        if type(tp).__name__ == "TypeAliasType":
            tp = tp.__value__
            continue
        return tp, optional
