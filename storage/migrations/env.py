"""Alembic's environment: runs the revisions in ``versions/`` against the store's tables.

Normally ``storage.schema`` hands over a connection already inside a transaction (and
under the migration lock); with a URL instead (``alembic_config(url=...)``, for
``alembic.command.revision(..., autogenerate=True)``) it connects through
``storage.make_engine``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import String
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import storage  # noqa: F401  (importing it registers every table)
from storage.engine import make_engine
from storage.migrations import compare_server_default

config = context.config
target_metadata = SQLModel.metadata


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write plain SQLAlchemy types into new revisions, so that they never import models."""
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.{String(obj.length)!r}"
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=_render_item,
        compare_type=True,
        compare_server_default=compare_server_default,
        **options,
    )


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_url(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    asyncio.run(_run_url(config.get_main_option("sqlalchemy.url") or ""))
