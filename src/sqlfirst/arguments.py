"""Checks of call arguments: a bad argument raises ``pydantic.ValidationError`` like any bad input.

Input models validate most arguments; these helpers cover the few checks that span arguments or
guard plain keyword arguments (a page size, a time window), so that no bare ``ValueError`` or
``TypeError`` leaves the public API.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = ["MAX_PAGE", "invalid_argument", "page_size"]

MAX_PAGE = 1000


def invalid_argument(function: str, argument: str, message: str, value: object) -> ValidationError:
    """A ``ValidationError`` titled ``function`` saying ``message`` about ``argument``."""
    detail: InitErrorDetails = {
        "type": PydanticCustomError("invalid_argument", message),
        "loc": (argument,),
        "input": value,
    }
    return ValidationError.from_exception_data(function, [detail])


class _Page(BaseModel):
    model_config = ConfigDict(title="page", strict=True)

    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)]


def page_size(limit: int) -> int:
    """``limit`` if it is a page size (an int from 1 to 1000), else ``ValidationError``."""
    if type(limit) is int and 1 <= limit <= MAX_PAGE:
        return limit
    return _Page(limit=limit).limit
