"""sqlfirst's optional C accelerator (``_speedups.c``): rows -> Pydantic model instances."""

from collections.abc import Sequence
from typing import Any

class Fallback(Exception):
    """A value failed its field's check: the row needs Pydantic's validation."""

class RowBuilder:
    """Builds instances of ``cls`` from rows, each value checked against its field's check
    (``sqlfirst.trust``); ``keys`` are the fields in the model's order, ``columns`` where each
    field's value sits in a row of ``ncolumns`` values."""

    def __init__(
        self,
        cls: type[Any],
        keys: tuple[str, ...],
        columns: tuple[int, ...],
        kinds: tuple[int, ...],
        args: tuple[Any, ...],
        nullables: tuple[bool, ...],
        ncolumns: int,
        fields_set: set[str],
        copy_fields_set: bool,
        setters: tuple[Any, Any, Any],
        *,
        by_position: bool = True,
    ) -> None: ...
    @property
    def by_position(self) -> int:
        """1 when each row's dict gets its values by position (CPython 3.11, 3.12), 0 by key.

        ``by_position=False`` also sets the slots through their descriptors."""
    def one(self, row: Sequence[Any], /) -> Any: ...
    def many(self, rows: Sequence[Sequence[Any]], /) -> list[Any]: ...
