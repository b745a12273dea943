"""Fixtures: a store on a temporary SQLite file, and on PostgreSQL when one is offered.

Set ``ROUNDTABLE_TEST_POSTGRES_URL`` (e.g. ``postgresql+asyncpg://user@host/db``) to
run the backend-parametrised tests against PostgreSQL too. The tests drop and
recreate every table in that database.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from storage import SqlStore, make_engine
from tests.storage.helpers import sqlite_url

POSTGRES_URL = os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL")

_BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="set ROUNDTABLE_TEST_POSTGRES_URL to test PostgreSQL"
        ),
    ),
]


@pytest.fixture(params=_BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database: a SQLite file, or a wiped PostgreSQL database."""
    if request.param == "sqlite":
        made = make_engine(sqlite_url(tmp_path / "roundtable.db"))
    else:
        assert POSTGRES_URL
        made = make_engine(POSTGRES_URL)
        # Importing ``storage`` registered the tables, so drop_all sees them all.
        async with made.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
    yield made
    await made.dispose()


@pytest.fixture
async def store(engine: AsyncEngine) -> AsyncIterator[SqlStore]:
    """A started store on ``engine``."""
    made = SqlStore(engine)
    await made.start()
    yield made
    await made.close()
