"""Field types the domains' input models share.

Pydantic checks a length limit on a type it cannot constrain natively (``EmailStr``, ``SecretStr``)
with a generic validator that speaks of "items"; :func:`at_most_characters` and :data:`Password`
speak of characters, like every other string limit.

A password is a :class:`~pydantic.SecretStr` of 8 to 1024 characters whose errors speak of
characters. Pydantic puts the rejected input into every error it reports, so a model (or
``TypeAdapter``) that holds a password must be configured with :data:`HIDE_INPUT`: then a rejected
password never appears in a ``ValidationError``, its ``str()``, a log line or an HTTP response.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, ConfigDict, SecretStr
from pydantic_core import PydanticCustomError

__all__ = ["HIDE_INPUT", "PASSWORD_MAX", "PASSWORD_MIN", "Password", "at_most_characters"]

PASSWORD_MIN = 8
PASSWORD_MAX = 1024

HIDE_INPUT = ConfigDict(hide_input_in_errors=True)
"""Config for models and adapters that carry a secret: errors never show the input."""


def _password_length(value: SecretStr) -> SecretStr:
    length = len(value.get_secret_value())
    if length < PASSWORD_MIN:
        raise PydanticCustomError(
            "string_too_short",
            "Password should have at least {min_length} characters",
            {"min_length": PASSWORD_MIN},
        )
    if length > PASSWORD_MAX:
        raise PydanticCustomError(
            "string_too_long",
            "Password should have at most {max_length} characters",
            {"max_length": PASSWORD_MAX},
        )
    return value


Password = Annotated[SecretStr, AfterValidator(_password_length)]
"""A password: 8 to 1024 characters, kept as a ``SecretStr``."""


def at_most_characters(limit: int) -> AfterValidator:
    """A length limit in characters for a string type Pydantic cannot constrain itself:
    ``Annotated[EmailStr, at_most_characters(100)]``."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise PydanticCustomError(
                "string_too_long", "String should have at most {max_length} characters", {"max_length": limit}
            )
        return value

    return AfterValidator(check)
