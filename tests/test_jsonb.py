"""jsonb and json decode every value PostgreSQL accepts, without loss.

PostgreSQL stores jsonb numbers as ``numeric`` and prints them without an exponent, so
``'1e400'::jsonb`` arrives as a 1 followed by 400 zeros. Integers decode to ``int`` of any size;
other numbers to ``float`` when a float holds them exactly as written, else to ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sqlfirst.db import Connection


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("18446744073709551615", 2**64 - 1),
        ("18446744073709551616", 2**64),
        ("-9223372036854775809", -(2**63) - 1),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("1e400", 10**400),
        ("-1e5000", -(10**5000)),  # beyond Python's 4300-digit limit for int(str)
        ("1e-400", Decimal("1e-400")),
        ("0.1000000000000000055511151231257827", Decimal("0.1000000000000000055511151231257827")),
        ("12345678901234567.5", Decimal("12345678901234567.5")),
        ("0.1", 0.1),
        ("1.50", 1.5),
        ("-0.0", -0.0),
        ("19.99", 19.99),
        ("1e-18", 1e-18),
        ("42", 42),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_jsonb_numbers_decode_exactly(conn: Connection, literal: str, expected: object) -> None:
    value = await conn.fetchval(f"select '{literal}'::jsonb")
    assert type(value) is type(expected)
    assert value == expected
    nested = await conn.fetchval(f"""select '{{"n": [{literal}, "{literal}"]}}'::jsonb""")
    assert nested == {"n": [expected, literal]}
    assert type(nested["n"][0]) is type(expected)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("1e400", Decimal("1e400")),
        ("1E-400", Decimal("1e-400")),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("2.5e3", 2500.0),
        ("7", 7),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_json_numbers_decode_exactly(conn: Connection, literal: str, expected: object) -> None:
    value = await conn.fetchval(f"select '[{literal}]'::json")
    assert value == [expected]
    assert type(value[0]) is type(expected)


async def test_decoded_values_go_back_unchanged(conn: Connection) -> None:
    for literal in ("1e400", "123456789012345678901234567890", "1e-400", "0.1", '[1, 2.5, {"a": null}]'):
        value = await conn.fetchval(f"select '{literal}'::jsonb")
        assert await conn.fetchval(f"select $1::jsonb = '{literal}'::jsonb", value), literal
        assert await conn.fetchval(f"select $1::json::jsonb = '{literal}'::jsonb", value), literal


async def test_common_documents_keep_their_types(conn: Connection) -> None:
    document = {
        "id": "0b7f6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "n": 12,
        "price": 19.99,
        "tags": ["a"],
        "ok": True,
    }
    assert await conn.fetchval("select $1::jsonb", document) == document
    assert await conn.fetchval("select $1::json", document) == document
    text = '{"s": "1234567890123456789012345 digits inside a string stay a string"}'
    assert await conn.fetchval(f"select '{text}'::jsonb") == {
        "s": "1234567890123456789012345 digits inside a string stay a string"
    }
