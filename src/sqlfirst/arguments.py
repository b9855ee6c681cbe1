"""Checks of call arguments: a bad argument raises ``pydantic.ValidationError`` like any bad input.

Input models validate most arguments; these helpers cover the few checks that span arguments or
guard plain keyword arguments (a page size, a time window), so that no bare ``ValueError`` or
``TypeError`` leaves the public API.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import Enum
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "MAX_PAGE",
    "aware_instant",
    "count",
    "cursor",
    "duration",
    "email_key",
    "invalid_argument",
    "items",
    "listed",
    "member",
    "page_size",
    "seconds",
    "text",
    "uuids",
    "valid",
]

MAX_PAGE = 1000


E = TypeVar("E", bound=Enum)
T = TypeVar("T")


def invalid_argument(
    function: str, argument: str | tuple[str, ...], message: str, value: object
) -> ValidationError:
    """A ``ValidationError`` titled ``function`` saying ``message`` about ``argument`` (a name, or
    a name and the field of it: ``("after", "created_at")``)."""
    detail: InitErrorDetails = {
        "type": PydanticCustomError("invalid_argument", message),
        "loc": (argument,) if isinstance(argument, str) else argument,
        "input": value,
    }
    return ValidationError.from_exception_data(function, [detail])


class _Page(BaseModel):
    model_config = ConfigDict(title="page", strict=True)

    limit: int


@functools.cache
def _page(most: int) -> type[_Page]:
    """The page model for sizes up to ``most``: its error names the ``limit`` argument."""
    return create_model("page", __base__=_Page, limit=(Annotated[int, Field(ge=1, le=most)], ...))


def page_size(limit: int, *, most: int = MAX_PAGE) -> int:
    """``limit`` if it is a page size (an int from 1 to ``most``, 1000 unless a domain lowers it),
    else ``ValidationError``."""
    if type(limit) is int and type(most) is int and 1 <= limit <= most:
        return limit
    return _page(count("page_size", "most", most, least=1))(limit=limit).limit


_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


def aware_instant(function: str, argument: str | tuple[str, ...], value: object) -> datetime:
    """``value`` as an aware ``datetime`` (one, an ISO string with an offset, a Unix time: what
    Pydantic reads as ``AwareDatetime``), else ``ValidationError`` naming ``function``'s ``argument``.
    A naive ``datetime`` is refused: the driver would read it as UTC whatever zone the caller meant."""
    if type(value) is datetime and value.utcoffset() is not None:
        return value
    try:
        return _instant.validate_python(value)
    except ValidationError:
        raise invalid_argument(
            function, argument, "an aware datetime (one that carries its time zone)", value
        ) from None


def cursor(
    function: str, argument: str, value: BaseModel | None, model: type[BaseModel], keys: tuple[str, ...]
) -> tuple[Any, ...] | None:
    """A keyset page's cursor as its ``keys``' values, checked: None for the first page (``value``
    None), else ``value`` must be a ``model`` (the last row of the previous page) whose keys hold
    their fields' types, or ``ValidationError`` names ``argument`` (and the key). A time key must
    carry its zone (:func:`aware_instant`), or the page would start where the driver's UTC reading
    of it puts it."""
    if value is None:
        return None
    if isinstance(value, model):
        try:
            return tuple(_key(function, argument, model, key, getattr(value, key)) for key in keys)
        except AttributeError:
            pass  # a row built without its keys (model_construct)
    raise invalid_argument(
        function, argument, f"the last {model.__name__} of the previous page, or None for the first", value
    )


@functools.cache
def _key_type(model: type[BaseModel], key: str) -> tuple[type | None, TypeAdapter[Any]]:
    """The class a value of ``model``'s ``key`` is when it needs no validation, and its validator."""
    annotation = model.model_fields[key].annotation
    assert annotation is not None, f"{model.__name__}.{key} has no type"
    return (annotation if isinstance(annotation, type) else None), TypeAdapter(annotation)


def _key(function: str, argument: str, model: type[BaseModel], key: str, value: object) -> Any:
    exact, adapter = _key_type(model, key)
    if exact is datetime:
        return aware_instant(function, (argument, key), value)
    if exact is not None and type(value) is exact:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise invalid_argument(function, (argument, key), exc.errors()[0]["msg"], value) from None


def member(function: str, argument: str, value: E | object, enum: type[E]) -> E:
    """``value`` as a member of ``enum`` (the member, or its value: ``"active"``), else
    ``ValidationError`` naming ``argument`` and the values it takes, where the enum's own
    constructor raises a bare ``ValueError``."""
    if type(value) is enum:
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in enum)
        raise invalid_argument(function, argument, f"one of {allowed}", value) from None


def valid(function: str, argument: str, value: object, adapter: TypeAdapter[T]) -> T:
    """``value`` validated by ``adapter``, or its ``ValidationError`` titled ``function`` with every
    error located under ``argument`` (``ids.2``), as an input model's would be."""
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        details: list[InitErrorDetails] = []
        for error in exc.errors():
            detail: InitErrorDetails = {
                "type": PydanticCustomError(error["type"], error["msg"], error.get("ctx")),
                "loc": (argument, *error["loc"]),
                "input": error["input"],
            }
            details.append(detail)
        raise ValidationError.from_exception_data(function, details) from None


_text: TypeAdapter[str] = TypeAdapter(str)


def text(function: str, argument: str, value: object) -> str:
    """``value`` if it is a string, else ``ValidationError`` naming ``argument``."""
    return value if type(value) is str else valid(function, argument, value, _text)


def email_key(function: str, value: object, argument: str = "email") -> str:
    """An email as users are looked up by it (trimmed, lower case), or ``ValidationError`` when it is
    not a string."""
    return text(function, argument, value).strip().lower()


def items(function: str, argument: str, value: object) -> Iterable[Any]:
    """``value`` if it is a collection of items (a list, tuple, set, generator...), else
    ``ValidationError`` naming ``argument``: None, a lone value, and a string or mapping (whose
    characters or keys would pass for items) are refused."""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | Mapping):
        return value
    raise invalid_argument(function, argument, "a list of items", value)


def listed(function: str, argument: str, value: object, adapter: TypeAdapter[T]) -> T:
    """``value``, a collection of items (:func:`items`), validated by ``adapter`` (a list type)."""
    return valid(function, argument, items(function, argument, value), adapter)


_uuid_list: TypeAdapter[list[UUID]] = TypeAdapter(list[UUID])


def uuids(function: str, argument: str, value: object) -> list[UUID]:
    """``value`` as a list of ids (a list or tuple of UUIDs, or their text), else
    ``ValidationError`` naming ``argument`` and the item."""
    if type(value) is list and all(type(v) is UUID for v in value):
        return value
    return listed(function, argument, value, _uuid_list)


_duration: TypeAdapter[timedelta] = TypeAdapter(timedelta)


def duration(function: str, argument: str, value: object) -> timedelta:
    """``value`` as a ``timedelta`` (one, or what Pydantic reads as one: a number of seconds, an ISO
    8601 duration), else ``ValidationError`` naming ``argument`` (a bool is no number of seconds)."""
    if type(value) is timedelta:
        return value
    if isinstance(value, bool):
        raise invalid_argument(function, argument, "a duration (a timedelta, or seconds)", value)
    return valid(function, argument, value, _duration)


_seconds: TypeAdapter[float] = TypeAdapter(Annotated[float, Field(gt=0, allow_inf_nan=False)])


def seconds(function: str, argument: str, value: object) -> float:
    """``value`` as a positive, finite number of seconds, else ``ValidationError`` naming ``argument``."""
    return valid(function, argument, value, _seconds)


_count: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(strict=True, ge=0)])


def count(function: str, argument: str, value: object, *, least: int = 0) -> int:
    """``value`` as an int of at least ``least`` (an int, or any integer type: an IntEnum, numpy's), else
    ``ValidationError`` naming ``argument`` (a bool is no count)."""
    if type(value) is not int and isinstance(value, numbers.Integral) and not is_flag(value):
        value = int(value)  # an int subclass, numpy's integers
    if type(value) is int:
        if value >= least:
            return value
        raise invalid_argument(function, argument, f"must be {least} or more", value)
    return valid(function, argument, value, _count)  # refuses it, saying what it got


def is_flag(value: object) -> bool:
    """Whether ``value`` is True or False: a bool, or numpy's (``bool(value)`` is then the flag)."""
    kind = type(value)
    return kind is bool or (kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool"))


def is_number(value: object) -> bool:
    """Whether ``value`` is a real number (an int, a float, numpy's), not a bool."""
    return isinstance(value, numbers.Real) and not is_flag(value)


LONGEST_SECONDS = 10**9
"""The longest duration a setting or threshold takes (~31 years): beyond it clocks overflow."""


def is_seconds(value: object, *, zero: bool = False) -> bool:
    """Whether ``value`` is a number of seconds: positive (or 0 when ``zero``), at most
    :data:`LONGEST_SECONDS`; NaN and infinities are not."""
    if not is_number(value):
        return False
    try:
        seconds = float(value)  # type: ignore[arg-type]  # a real number
    except OverflowError:  # an int beyond any float
        return False
    return (seconds >= 0 if zero else seconds > 0) and seconds <= LONGEST_SECONDS
