"""Keeping the database schema current: Alembic migrations, run at start under a lock.

The revisions live in ``storage/migrations/versions``. A database made by the first
release (tables, but no ``alembic_version``) is stamped at the baseline revision and
upgraded from there; an empty one is upgraded from nothing. Only one process migrates
at a time: on PostgreSQL an advisory lock held until the migration commits, on a SQLite
file an exclusive ``flock`` on ``<database>.migrate.lock`` beside it (an in-memory
database has a single user and needs none).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import is_memory_sqlite
from storage.migrations import BASELINE, alembic_config

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's own write lock must do
    fcntl = None  # type: ignore[assignment]

#: Key of the PostgreSQL advisory lock that migrations take ("Rtbl" + "Migr").
PG_LOCK_KEY = 0x5274626C_4D696772
#: Tables every database made by the first release has; the baseline creates them.
_FIRST_RELEASE_TABLES = frozenset({"poll", "ballot", "participation", "decision", "job"})


@dataclass(frozen=True)
class Revision:
    """Where a database stands: its revision (None if it has none) and this version's newest."""

    current: str | None
    head: str
    has_tables: bool

    @property
    def describe(self) -> str:
        """The state in plain words, for ``roundtable db current``."""
        if self.current is None and not self.has_tables:
            return ("The database is empty: starting Roundtable or `roundtable db upgrade` "
                    f"creates its tables (revision {self.head}).")
        if self.current is None:
            return ("The database was made by the first release and has not been migrated "
                    f"yet; starting Roundtable or `roundtable db upgrade` brings it to "
                    f"revision {self.head}.")
        if self.current == self.head:
            return f"The database is at revision {self.current}, the newest this version knows."
        known = {script.revision for script in _scripts().walk_revisions()}
        if self.current not in known:
            return (f"The database is at revision {self.current}, which this version does not "
                    f"know (its newest is {self.head}): it was upgraded by a newer Roundtable.")
        return (f"The database is at revision {self.current}; this version's newest is "
                f"{self.head}: starting Roundtable or `roundtable db upgrade` upgrades it.")


async def create_schema(conn: AsyncConnection) -> None:
    """Upgrade the database to the newest revision, inside the caller's transaction.

    Called by ``SqlStore.start``; safe to call from many processes at once.
    """
    async with _file_lock(conn.engine.url):
        await conn.run_sync(_upgrade)


async def current_revision(conn: AsyncConnection) -> Revision:
    """The revision the database is at, and the newest one this version has."""
    return await conn.run_sync(_revision)


def _upgrade(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Transaction-scoped: held until the migration commits, so the next process to
        # get it sees the upgraded schema (a session lock released before the commit
        # would let it in too early).
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
    tables = set(inspect(conn).get_table_names())
    config = alembic_config(conn)
    if not tables & _FIRST_RELEASE_TABLES:
        if "alembic_version" in tables:
            # A version table left behind with no tables (e.g. they were dropped):
            # start again from nothing.
            conn.exec_driver_sql("DELETE FROM alembic_version")
    elif "alembic_version" not in tables:
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")


def _revision(conn: Connection) -> Revision:
    tables = set(inspect(conn).get_table_names())
    current = MigrationContext.configure(conn).get_current_revision()
    head = _scripts().get_current_head() or ""
    return Revision(current, head, bool(tables & _FIRST_RELEASE_TABLES))


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@asynccontextmanager
async def _file_lock(url: URL) -> AsyncIterator[None]:
    """Hold ``<database>.migrate.lock`` exclusively, for a SQLite file database."""
    if url.get_backend_name() != "sqlite" or is_memory_sqlite(url) or fcntl is None:
        yield
        return
    database = url.database or ""
    if database.startswith("file:"):
        database = database[5:].split("?", 1)[0]
    fd = os.open(f"{database}.migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # In a thread: another process may hold it for as long as its migration takes.
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
