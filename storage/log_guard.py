"""Keeping SQL values out of the logs, at every level (docs/anonymity.md, issue 11).

``hide_parameters=True`` keeps bound values out of SQLAlchemy's statement logs and
error messages, but with the engine logger at DEBUG (or ``echo="debug"``) SQLAlchemy
still prints every result row ("Row (...)") and the column names ("Col (...)"), and
aiosqlite prints each call with its parameters. A group lookup's row names the
member, an upsert's RETURNING row names the ballot, and a close reads the ballots in
order: from the log alone, voters could be linked to their choices.

:class:`SqlLogGuard` is a :class:`logging.Filter` that

- drops "Row ..." and "Col ..." lines altogether (without their values they say
  nothing), and
- keeps every other line but replaces each argument that is not a plain number
  with ``<withheld>``. SQLAlchemy and the drivers pass parameters, rows, connection
  and call reprs and exceptions as arguments, never in the message template, so what
  remains is the SQL text with its placeholders, BEGIN/COMMIT/ROLLBACK, pool events
  and counts: enough to follow what the bot does, nothing about whom or what.

It is installed on the loggers themselves, not on handlers: a logger's filters run
when a record is made, before it reaches any handler anywhere, so a handler an operator
attaches to "sqlalchemy", to the root logger or through ``echo`` only ever sees guarded
records. A filter on a logger does not cover its child loggers, so :func:`guard_sql_logs`
installs it on every SQLAlchemy and driver logger that exists (SQLAlchemy makes its
class loggers, e.g. "sqlalchemy.pool.impl.QueuePool", when it is imported) and on the
engine's and the pool's own loggers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

#: Loggers guarded even if nothing has used them yet.
GUARDED_LOGGERS = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine",
                   "sqlalchemy.pool", "sqlalchemy.orm", "sqlalchemy.dialects",
                   "aiosqlite", "asyncpg")
#: Every existing logger under these names is guarded too.
GUARDED_PREFIXES = tuple(f"{name}." for name in ("sqlalchemy", "aiosqlite", "asyncpg"))
WITHHELD = "<withheld>"
_RESULT_LINES = ("Row ", "Col ")


class SqlLogGuard(logging.Filter):
    """Drops result-row lines; withholds every argument that is not a number."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to keep the record (after withholding its arguments)."""
        if not isinstance(record.msg, str):
            record.msg, record.args = WITHHELD, ()
            return True
        if record.msg.startswith(_RESULT_LINES):
            return False
        if not record.args:
            return True
        template = record.msg
        if isinstance(record.args, Mapping) and "%(" in template:
            record.args = {key: _keep(value) for key, value in record.args.items()}
        else:
            # One mapping argument arrives as the mapping itself; "%r" still wants a tuple.
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_keep(value) for value in args)
        try:
            record.getMessage()
        except (TypeError, ValueError, KeyError):
            # e.g. "%x" was given a value that is now "<withheld>": logging would print
            # the arguments in its own error report, so print the template alone.
            record.msg, record.args = f"{template} [arguments {WITHHELD}]", ()
        return True


def _keep(value: object) -> object:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else WITHHELD


_GUARD = SqlLogGuard()


def guard_sql_logs(*loggers: object) -> None:
    """Install the guard on the SQL loggers (idempotent).

    Args:
        loggers: Further loggers to guard, e.g. an engine's and its pool's ``logger``
            (a :class:`logging.Logger`, or SQLAlchemy's echo wrapper around one).
    """
    names = set(GUARDED_LOGGERS)
    names.update(name for name in list(logging.root.manager.loggerDict)
                 if name.startswith(GUARDED_PREFIXES))
    targets = [logging.getLogger(name) for name in sorted(names)]
    for logger in loggers:
        inner = getattr(logger, "logger", logger)
        if isinstance(inner, logging.Logger):
            targets.append(inner)
    for target in targets:
        if not any(isinstance(existing, SqlLogGuard) for existing in target.filters):
            target.addFilter(_GUARD)
