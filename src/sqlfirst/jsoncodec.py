"""json/jsonb ⇄ Python without loss: orjson for the common document, an exact parser for the rest.

PostgreSQL accepts JSON numbers of any size and precision (jsonb stores them as ``numeric`` and
prints them without an exponent: ``'1e400'::jsonb`` comes back as a 1 followed by 400 zeros).
orjson turns an integer beyond 64 bits into a float silently and rejects one beyond a double, so a
document that may hold such a number is parsed by the standard library with exact hooks instead:

- integers become ``int``, of any size;
- other numbers become ``float`` when the float is exactly the number as written (``0.1``,
  ``19.99``, ``1.50``), else ``decimal.Decimal`` with every digit (``1e-400``,
  ``0.1000000000000000055511151231257827``).

Every number orjson can lose has at least 16 digits in a row (counting a decimal point), which a
byte translation and one substring search rule out for the common document before orjson parses
it. ``Decimal`` and big integers encode back as the same JSON numbers.
"""

from __future__ import annotations

import json
from decimal import Decimal

import orjson

__all__ = ["decode_json", "decode_jsonb", "encode_json", "encode_jsonb"]

_JSONB_VERSION = b"\x01"

# Digits and the decimal point map to b"0", everything else to b" ": a lossy number is a run of 16.
_NUMBER_BYTES = bytes(0x30 if (0x30 <= b <= 0x39 or b == 0x2E) else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * 16


def _exact_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than int(str) converts (sys.get_int_max_str_digits())
        return int(Decimal(text))


def _exact_float(text: str) -> float | Decimal:
    value = float(text)
    if value - value == 0 and (repr(value) == text or Decimal(repr(value)) == Decimal(text)):
        return value  # finite, and the float is the number as written
    return Decimal(text)


def _loads_exact(data: bytes) -> object:
    return json.loads(data, parse_int=_exact_int, parse_float=_exact_float)


def decode_jsonb(
    data: bytes,
    _loads: object = orjson.loads,
    _table: bytes = _NUMBER_BYTES,
    _long: bytes = _LONG_NUMBER,
) -> object:
    """Decode jsonb's binary form: a version byte (1), then the JSON text."""
    # Slicing the bytes (one copy) is cheaper than a memoryview for the small documents rows carry.
    if len(data) > 16 and data.translate(_table).find(_long) >= 0:  # find: cheaper than `in`
        return _loads_exact(data[1:])
    return _loads(data[1:])  # type: ignore[operator]


def decode_json(data: bytes) -> object:
    """Decode json: its text is kept as written (exponents included), so always parse exactly."""
    return _loads_exact(data)


def _exact_number(value: object) -> orjson.Fragment:
    if isinstance(value, Decimal) and value.is_finite():
        return orjson.Fragment(str(value).encode())
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def _big_ints_as_numbers(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(Decimal(value)).encode())  # str(int) is limited to 4300 digits
    if isinstance(value, dict):
        return {k: _big_ints_as_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_big_ints_as_numbers(v) for v in value]
    return value


def encode_json(value: object) -> bytes:
    """JSON text for ``value``; ``Decimal`` and integers beyond 64 bits stay exact numbers."""
    try:
        return orjson.dumps(value, default=_exact_number)
    except orjson.JSONEncodeError as exc:
        if "64-bit" not in str(exc):
            raise
        return orjson.dumps(_big_ints_as_numbers(value), default=_exact_number)


def encode_jsonb(value: object) -> bytes:
    return _JSONB_VERSION + encode_json(value)
