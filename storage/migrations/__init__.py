"""Alembic migrations of the store's schema, shipped inside the package.

Alembic is configured in code (:func:`alembic_config`), so no ``alembic.ini`` is needed:
``storage.schema.create_schema`` upgrades the database at start, and ``roundtable db``
does it on demand. ``env.py`` and ``versions/`` are what Alembic runs; see
docs/operations.md for adding a revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy.engine import Connection

#: The revision a database made by the first release (before migrations) is at.
BASELINE = "0001_first_release"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration for this package's migrations.

    Args:
        connection: Run the migrations on this (sync) connection, in its transaction.
        url: Otherwise, the database URL to connect to (e.g. to autogenerate a revision).
    """
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def compare_server_default(
    context: Any, inspected_column: Any, metadata_column: Any, inspected_default: str | None,
    metadata_default: Any, rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's server-default comparison, except that an empty string equals SQLite's ``('')``.

    (SQLite reads ``DEFAULT ''`` back as ``('')``, which Alembic takes for a change.)
    """
    if inspected_default in ("''", "('')") and rendered_metadata_default in ("''", ""):
        return False
    return None
