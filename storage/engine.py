"""Building the async engine: SQLite (file or memory) or PostgreSQL by URL."""

from __future__ import annotations

import logging
import os
import shlex
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from storage.log_guard import guard_sql_logs

log = logging.getLogger(__name__)

#: Execution option: start this connection's transactions with a plain (deferred) BEGIN.
#: Reads use it so that, in WAL mode, they never wait for the writer.
READ_ONLY = "roundtable_read_only"
#: Execution option: emit no BEGIN at all, for statements that must run outside a
#: transaction (e.g. a WAL checkpoint).
NO_BEGIN = "roundtable_no_begin"

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    # Deleted content (shredded salts, cleared tags) is overwritten, not just unlinked.
    "PRAGMA secure_delete=ON",
    "PRAGMA foreign_keys=ON",
)


#: The URL schemes (dialect+driver) the store works with: both drivers are async.
USABLE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
_URL_FORMS = ("sqlite+aiosqlite:///path.db (a SQLite file) or "
              "postgresql+asyncpg://user:password@host/db (PostgreSQL)")


class DatabaseURLError(ValueError):
    """A database URL Roundtable cannot use; the message says which forms work."""


def check_url(url: str) -> URL:
    """``url`` parsed, if it names a database the store can use.

    Raises:
        DatabaseURLError: Not a URL, or a driver other than aiosqlite or asyncpg.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseURLError(f"{url!r} is not a database URL. Write it as "
                               f"{_URL_FORMS}.") from None
    if parsed.drivername in USABLE_DRIVERS:
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        why = "Roundtable needs SQLite's async driver, aiosqlite"
    elif backend in ("postgres", "postgresql"):
        why = "Roundtable needs PostgreSQL's async driver, asyncpg"
    else:
        why = "Roundtable works with SQLite and PostgreSQL only"
    raise DatabaseURLError(f"the database URL {shown!r} cannot be used: {why}. Write it as "
                           f"{_URL_FORMS}.")


def make_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``, set up for the store.

    Parameters are hidden from error messages and logs, so a failing statement
    never shows a ballot or an identity; result rows are kept out of the logs by
    :mod:`storage.log_guard`, whatever level or ``echo`` an operator turns on.
    SQLite gets WAL, ``secure_delete`` and ``BEGIN IMMEDIATE`` transactions; an
    in-memory SQLite database shares one connection (``StaticPool``) so that every
    session sees the same data. A new SQLite database file is created owner-only
    (0600), and so are its -wal and -shm files.

    Args:
        url: e.g. ``sqlite+aiosqlite:///roundtable.db``, ``sqlite+aiosqlite://``
            or ``postgresql+asyncpg://user@host/db``.

    Raises:
        DatabaseURLError: Any other kind of URL (see :func:`check_url`).
    """
    parsed = check_url(url)
    _quiet_driver_logs()
    if parsed.get_backend_name() != "sqlite":
        return _guarded(create_async_engine(parsed, hide_parameters=True, echo=False))
    options: dict[str, Any] = {}
    if is_memory_sqlite(parsed):
        options["poolclass"] = StaticPool
    else:
        _private_sqlite_file(parsed)
    engine = create_async_engine(parsed, hide_parameters=True, echo=False, **options)
    _install_sqlite_hooks(engine)
    return _guarded(engine)


def _guarded(engine: AsyncEngine) -> AsyncEngine:
    # echo=False above: SQLAlchemy then logs through the plain "sqlalchemy.engine.Engine"
    # logger, which the guard covers (and still covers if echo is switched on later).
    guard_sql_logs(engine.sync_engine.logger, engine.sync_engine.pool.logger)
    return engine


def _quiet_driver_logs() -> None:
    # aiosqlite logs every statement *with its parameters* at DEBUG, which would put ballots
    # and voter tags in the log of anyone who turns on debug logging. The log guard
    # withholds those values anyway (storage/log_guard.py); this just spares the noise.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger("aiosqlite").level))


def _private_sqlite_file(url: URL) -> None:
    """Create a new SQLite database file owner-only (0600) before SQLite creates it 0644.

    SQLite gives the -wal and -shm files the database file's permissions, so they are
    owner-only too. An existing file keeps the permissions the operator gave it; if
    others can read it, a warning says how to make it private. (A process-wide umask
    would also reach files other threads create meanwhile, so it is not used.)
    """
    database = url.database or ""
    if database.startswith("file:") or url.query.get("uri"):
        return  # SQLite URI filenames: the operator chose the file and its options
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            mode = os.stat(database).st_mode & 0o777
        except OSError:
            return
        if mode & 0o077 and os.name == "posix":
            path = os.path.abspath(database)
            log.warning("the database file %s can be read by other users (mode %04o); to "
                        "keep it owner-only run: chmod 600 %s*", path, mode, shlex.quote(path))
        return
    except OSError:
        return  # e.g. no such directory: SQLite reports it when it opens the file
    os.close(fd)  # an empty file is an empty SQLite database


def is_memory_sqlite(url: URL) -> bool:
    """Whether a SQLite URL names a private in-memory database."""
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def is_single_connection(engine: AsyncEngine) -> bool:
    """Whether every session shares one DBAPI connection, so they must take turns."""
    return isinstance(engine.sync_engine.pool, StaticPool)


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so that the "begin" hook below decides how
        # each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(NO_BEGIN):
            return
        # IMMEDIATE takes the write lock up front: a deferred transaction that later
        # writes can fail with SQLITE_BUSY without waiting for busy_timeout.
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")
