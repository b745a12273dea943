"""Group commit: concurrent requests written together, one transaction per batch.

On SQLite a transaction costs about the same few milliseconds whatever it holds,
so one transaction per request tops out at a few hundred a second. Callers queue
a request and wait on a future; one drain task takes everything queued, hands it
to a batch writer, and releases every caller once that batch has committed.
While a batch is being written the next one gathers, so batches grow with load.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Writes a batch in one transaction and returns, per request and in order, either
#: its result or the exception its caller should see.
BatchWriter = Callable[[list[T]], Awaitable[list[R | Exception]]]


class GroupCommit(Generic[T, R]):
    """Queues requests and writes them in batches with ``write``.

    Args:
        write: Writes one batch in one transaction (see ``BatchWriter``).
        name: Names the drain task and the log lines (never with a payload).
    """

    def __init__(self, write: BatchWriter[T, R], name: str) -> None:
        self._write = write
        self._name = name
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, request: T) -> R:
        """Queue ``request`` and return its result once its batch has committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((request, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name=self._name)
        return await future

    async def close(self) -> None:
        """Wait until every queued request has been written (or has failed)."""
        while self._task is not None and not self._task.done():
            # wait() neither cancels the task nor raises what it raised.
            await asyncio.wait({self._task})

    async def _drain(self) -> None:
        while self._pending:
            taken, self._pending = self._pending, []
            # A caller that gave up before its batch started is not written.
            batch = [(request, future) for request, future in taken if not future.done()]
            if not batch:
                continue
            try:
                outcomes = await self._write([request for request, _ in batch])
            except Exception as exc:
                # The type only: a driver's message may quote a statement.
                logger.warning(
                    "%s: a batch of %d was not saved (%s)",
                    self._name,
                    len(batch),
                    type(exc).__name__,
                )
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            except BaseException:
                for _, future in [*batch, *self._pending]:
                    future.cancel()
                self._pending = []
                raise
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
