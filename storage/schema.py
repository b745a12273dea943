"""Creating the tables, and adding the columns that newer versions of them gained.

``create_all`` makes missing tables but never changes an existing one, so a
database made by an earlier version would lack new columns. Only additions are
handled here: a new column must be nullable or have a server default, so that
existing rows get a value. Anything bigger needs a real migration.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateColumn
from sqlmodel import SQLModel


async def create_schema(conn: AsyncConnection) -> None:
    """Create missing tables and add missing columns, inside the caller's transaction.

    Raises:
        RuntimeError: A missing column can't be added (NOT NULL without a server default).
    """
    await conn.run_sync(_create_schema)


def _create_schema(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)
    inspector = inspect(conn)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                _add_column(conn, table, column)
    _tidy_for_anonymity(conn)


def _tidy_for_anonymity(conn: Connection) -> None:
    """Bring data written by earlier versions in line with the anonymity design.

    Both steps do nothing on a database that is already in line. Earlier versions kept
    ended polls' ballots in ``ballot`` (now it holds open polls' ballots only, and
    ``closed_ballot`` the rest), and counted a reason given with a vote as a
    contribution, which said who blocked or disagreed: those counts are deleted.
    """
    conn.exec_driver_sql(
        "INSERT INTO closed_ballot (id, poll_id, voter_name, ballot) "
        "SELECT b.id, b.poll_id, b.voter_name, b.ballot FROM ballot b JOIN poll p "
        "ON p.id = b.poll_id WHERE p.status NOT IN ('open', 'closing')"
    )
    conn.exec_driver_sql(
        "DELETE FROM ballot WHERE poll_id IN "
        "(SELECT id FROM poll WHERE status NOT IN ('open', 'closing'))"
    )
    conn.exec_driver_sql("DELETE FROM contribution WHERE kind = 'reason'")


def _add_column(conn: Connection, table: Table, column: Column[object]) -> None:
    if not column.nullable and column.server_default is None:
        raise RuntimeError(
            f"the {table.name} table lacks the column {column.name}, which has no default "
            "for the rows already there; this database needs migrating by hand"
        )
    preparer = conn.dialect.identifier_preparer
    definition = CreateColumn(column).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {definition}")
