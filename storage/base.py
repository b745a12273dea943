"""Sessions, turn-taking and dialect differences shared by every part of ``SqlStore``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import NO_BEGIN, READ_ONLY, is_single_connection

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Attempts at a poll or schedule number before giving up (two processes may pick the same).
_NUMBER_ATTEMPTS = 10


def upsert(dialect_name: str, table: Table) -> Any:
    """An INSERT that supports ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"the store supports SQLite and PostgreSQL, not {dialect_name}")


class Gates:
    """Who must take turns inside this process.

    SQLite has one writer at a time. Queuing writers on an asyncio lock is cheaper
    than letting them collide on the file lock, where SQLite's busy handler sleeps
    in steps of milliseconds. Other processes are still held off by
    ``busy_timeout``. An in-memory database has a single shared connection, so
    reads queue too. PostgreSQL needs no turns.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._write: asyncio.Lock | None = None
        self._read: asyncio.Lock | None = None
        if engine.dialect.name == "sqlite":
            self._write = asyncio.Lock()
            if is_single_connection(engine):
                self._read = self._write

    def writing(self) -> AbstractAsyncContextManager[Any]:
        """Hold this while a write transaction is open."""
        return self._write if self._write is not None else nullcontext()

    def reading(self) -> AbstractAsyncContextManager[Any]:
        """Hold this while a read transaction is open."""
        return self._read if self._read is not None else nullcontext()


class StoreBase:
    """Holds the engine and hands out read and write sessions.

    Args:
        engine: From ``storage.make_engine``.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # What the caches expire by. ``SqlStore`` takes another one for tests; caches read
        # it through ``_cache_clock``, so the parts' constructors need not pass it along.
        self._monotonic: Callable[[], float] = time.monotonic
        self._dialect = engine.dialect.name
        self._gates = Gates(engine)
        self._closed = False
        # Numbered creations in this process take turns, so only other processes can
        # take the number one of them just read.
        self._numbering = asyncio.Lock()
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        # Reads start with a deferred BEGIN on SQLite, so in WAL mode they never wait
        # for the writer's lock.
        self._readers = async_sessionmaker(
            engine.execution_options(**{READ_ONLY: True}),
            class_=AsyncSession,
            expire_on_commit=False,
        )

    @property
    def engine(self) -> AsyncEngine:
        """The engine the store writes through (for exports, checks and tests)."""
        return self._engine

    def _cache_clock(self) -> float:
        """Monotonic seconds, for the caches' expiry."""
        return self._monotonic()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the store is closed")

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        """A session inside a write transaction that commits on a clean exit."""
        async with self._gates.writing(), self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; its transaction is rolled back at the end."""
        async with self._gates.reading(), self._readers() as session:
            yield session

    async def _numbered(self, insert: Callable[[], Awaitable[T]]) -> T:
        """Run ``insert``, which stores a row under the next free number in its space.

        It is run again when it fails on the number's unique constraint: another
        process took the number between its SELECT and its INSERT.
        """
        async with self._numbering:
            for _ in range(_NUMBER_ATTEMPTS - 1):
                try:
                    return await insert()
                except IntegrityError:
                    continue
            return await insert()

    async def _checkpoint(self) -> None:
        """Empty SQLite's WAL file, which still holds page images with the shredded rows.

        Best effort: a busy database only means the old frames linger until reused.
        """
        if self._dialect != "sqlite" or is_single_connection(self._engine):
            return
        try:
            async with self._gates.writing(), self._engine.connect() as conn:
                outside = await conn.execution_options(**{NO_BEGIN: True})
                await outside.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:
            logger.info("WAL checkpoint after closing a poll did not run (%s)", type(exc).__name__)
