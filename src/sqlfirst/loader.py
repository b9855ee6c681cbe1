"""Coalesce concurrent single-key lookups into one batched query (the DataLoader pattern).

A request handler that fans out (``asyncio.gather`` over 50 items, each looking up its owner) would
send 50 round trips; a :class:`Loader` collects every ``load(key)`` made in the same event-loop
turn and answers them with one call of a batch function such as
``sqlfirst.agent_hub.users.get_by_ids`` (``where id = any($1)``)::

    owners = Loader(lambda ids: users.get_by_ids(db.pool, ids=ids))
    a, b = await asyncio.gather(owners.load(id_a), owners.load(id_b))   # one query

The batch function takes a list of distinct keys and returns one result per key, in the same order
(``None`` for a key without a row). Batches run one at a time, so a single held connection may back
the loader as long as nothing else uses it concurrently. Nothing is cached across batches: a later
``load`` reads the database again (results stay as fresh as the caller's transaction).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

from sqlfirst import arguments
from sqlfirst.arguments import invalid_argument

__all__ = ["Loader"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Loader(Generic[K, V]):
    """Batches the ``load`` calls of one event-loop turn into one ``batch(keys)`` call.

    ``max_batch`` caps the keys per call; more pending keys start another batch. An exception raised
    by the batch function is raised to every caller of that batch.
    """

    def __init__(
        self, batch: Callable[[list[K]], Awaitable[Sequence[V | None]]], *, max_batch: int = 1000
    ) -> None:
        if not callable(batch):
            raise invalid_argument("Loader", "batch", "a function taking a list of keys", batch)
        max_batch = arguments.count("Loader", "max_batch", max_batch, least=1)
        self._batch = batch
        self.max_batch = max_batch
        self._pending: dict[K, asyncio.Future[V | None]] = {}
        self._scheduled = False
        self._lock = asyncio.Lock()
        self._running: set[asyncio.Task[None]] = set()

    async def load(self, key: K) -> V | None:
        """The value for ``key`` (None when the batch function has none), fetched with the keys that
        other tasks ask for in the same turn."""
        try:
            future = self._pending.get(key)
        except TypeError:  # unhashable
            raise invalid_argument(
                "load", "key", "a hashable key (an id, a string, a tuple...)", key
            ) from None
        if future is None:
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._pending[key] = future
            if len(self._pending) >= self.max_batch:
                self._dispatch()
            elif not self._scheduled:
                self._scheduled = True
                loop.call_soon(self._dispatch)
        # shield: one cancelled caller must not cancel the answer other callers of the key wait for
        return await asyncio.shield(future)

    async def load_many(self, keys: Sequence[K]) -> list[V | None]:
        """``load`` of every key, in order (one batch when they fit in ``max_batch``)."""
        checked = arguments.items("load_many", "keys", keys)
        return list(await asyncio.gather(*(self.load(key) for key in checked)))

    def _dispatch(self) -> None:
        self._scheduled = False
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        task = asyncio.get_running_loop().create_task(self._run(pending))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, pending: dict[K, asyncio.Future[V | None]]) -> None:
        keys = list(pending)
        try:
            async with self._lock:
                values = await self._batch(keys)
            if len(values) != len(keys):
                raise ValueError(f"batch function returned {len(values)} results for {len(keys)} keys")
        except BaseException as exc:
            for future in pending.values():
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for future, value in zip(pending.values(), values, strict=True):
            if not future.done():
                future.set_result(value)
