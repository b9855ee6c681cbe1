"""Validation messages speak of characters for strings, and a rejected password is never echoed.

Pydantic's own length check on a type it cannot constrain natively (``EmailStr``, ``SecretStr``)
says "Value should have at least 8 items"; every length limit on a string of every model and
adapter of the package must say "characters" instead.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import sqlfirst
from sqlfirst.db import Connection

ITEMS_VALIDATORS = {"min_length_validator", "max_length_validator"}


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(sqlfirst.__path__, "sqlfirst."):
        if info.name.endswith(("fastapi", "tokens_service", "__main__")) or ".cli" in info.name:
            continue
        yield importlib.import_module(info.name)


def _schemas() -> Iterator[tuple[str, Any]]:
    seen: set[int] = set()
    for module in _modules():
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield f"{module.__name__}.{name}", value.__pydantic_core_schema__
            elif isinstance(value, TypeAdapter):
                yield f"{module.__name__}.{name}", value.core_schema


def _item_checks(schema: Any, where: str) -> Iterator[str]:
    """Where (``model.field``) a core schema checks a length with pydantic's generic (items) validator."""
    if isinstance(schema, dict):
        function = schema.get("function")
        if isinstance(function, dict):
            inner = function.get("function")
            if isinstance(inner, functools.partial) and inner.func.__name__ in ITEMS_VALIDATORS:
                yield where
        for key, value in schema.items():
            if key == "fields" and isinstance(value, dict):
                for field, field_schema in value.items():
                    yield from _item_checks(field_schema, f"{where}.{field}")
            else:
                yield from _item_checks(value, where)
    elif isinstance(schema, list | tuple):
        for value in schema:
            yield from _item_checks(value, where)


def test_no_string_length_limit_speaks_of_items() -> None:
    found = sorted({where for name, schema in _schemas() for where in _item_checks(schema, name)})
    assert found == []


SECRET = "s3cr3t!"  # seven characters: one too few


@pytest.mark.parametrize("domain", ["agent_hub", "deals", "ai_seo", "devskyy"])
async def test_a_short_password_is_refused_in_characters_without_echo(conn: Connection, domain: str) -> None:
    users = importlib.import_module(f"sqlfirst.{domain}.users")
    fields = {"email": "ada@example.com", "password": SECRET}
    if domain in ("agent_hub", "ai_seo", "devskyy"):
        fields["username"] = "ada"
    with pytest.raises(ValidationError) as caught:
        await users.create(conn, **fields)
    assert "at least 8 characters" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


@pytest.mark.parametrize("domain", ["agent_hub", "deals", "ai_seo", "devskyy", "easyflow"])
async def test_a_long_email_is_refused_in_characters(conn: Connection, domain: str) -> None:
    users = importlib.import_module(f"sqlfirst.{domain}.users")
    fields: dict[str, Any] = {"email": "a" * 300 + "@example.com"}
    if domain != "easyflow":
        fields["password"] = "long enough secret"
    if domain in ("agent_hub", "ai_seo", "devskyy"):
        fields["username"] = "ada"
    if domain == "easyflow":
        fields["name"] = "Ada"
    with pytest.raises(ValidationError) as caught:
        await users.create(conn, **fields)
    assert "characters" in str(caught.value) and "items" not in str(caught.value)
