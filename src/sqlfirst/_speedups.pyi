"""sqlfirst's optional C accelerator (``_speedups.c``): rows -> Pydantic model instances."""

from collections.abc import Sequence
from typing import Any

class RowBuilder:
    """Builds instances of ``cls`` from rows whose columns are its fields in ``keys`` order."""

    def __init__(
        self,
        cls: type[Any],
        keys: tuple[str, ...],
        maps: tuple[dict[Any, Any] | None, ...],
        fields_set: set[str],
        copy_fields_set: bool,
        setters: tuple[Any, Any, Any],
    ) -> None: ...
    def one(self, row: Sequence[Any], /) -> Any: ...
    def many(self, rows: Sequence[Sequence[Any]], /) -> list[Any]: ...
