"""Schema migrations (Alembic): first-release databases, models vs migrations, a crowd of starts.

``first_release/sqlite.sql`` and ``first_release/postgresql.sql`` are the tables of the
first release (commit 7e8037b), written out from its SQLModel tables with
``CreateTable``/``CreateIndex`` for each dialect: what its ``create_all`` made.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Boolean, Date, Integer, LargeBinary, MetaData, String, Text, column, table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from roundtable.cli import main
from storage import SqlStore, make_engine
from storage.convert import decision_values
from storage.migrations import compare_server_default
from storage.schema import create_schema, current_revision
from storage.tables import AwareDateTime
from tests.storage.conftest import POSTGRES_URL
from tests.storage.helpers import T0, decision, sqlite_url

FIRST_RELEASE = Path(__file__).parent / "first_release"
HEAD = "0003_rounds_and_language"

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
async def empty(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database: a new SQLite file, or PostgreSQL with every table dropped."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "roundtable.db")
        return
    assert POSTGRES_URL
    engine = make_engine(POSTGRES_URL)
    async with engine.begin() as conn:
        await conn.run_sync(_drop_everything)
    await engine.dispose()
    yield POSTGRES_URL


def _drop_everything(conn: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(conn)
    metadata.drop_all(conn)


async def _first_release(url: str) -> None:
    """Make the first release's tables in the empty database at ``url``, with some data."""
    engine = make_engine(url)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    statements = (FIRST_RELEASE / f"{dialect}.sql").read_text(encoding="utf-8").split(";\n")
    async with engine.begin() as conn:
        for statement in statements:
            if statement.strip():
                await conn.exec_driver_sql(statement)
        await conn.run_sync(_first_release_data)
    await engine.dispose()


def _rows(name: str, **types: object) -> object:
    return table(name, *(column(key, kind) for key, kind in types.items()))


def _first_release_data(conn: Connection) -> None:
    when = AwareDateTime()
    poll = _rows(
        "poll", id=Integer(), space=String(), platform=String(), workspace=String(),
        channel=String(), number=Integer(), creator=String(), question=Text(), options=Text(),
        kind=String(), method=String(), anonymous=Boolean(), show_results=Boolean(),
        status=String(), created_at=when, closes_at=when, closed_at=when,
    )
    common = {"space": "console:local:general", "platform": "console", "workspace": "local",
              "channel": "general", "creator": "u1", "options": '["Park", "Library"]',
              "kind": "choice", "method": "plurality", "anonymous": True,
              "show_results": False, "created_at": T0}
    conn.execute(poll.insert(), [  # type: ignore[attr-defined]
        {**common, "id": 1, "number": 1, "question": "Open?", "status": "open",
         "closes_at": T0 + timedelta(days=1), "closed_at": None},
        {**common, "id": 2, "number": 2, "question": "Closed?", "status": "closed",
         "closes_at": T0 + timedelta(hours=1), "closed_at": T0 + timedelta(hours=1)},
        {**common, "id": 3, "number": 3, "question": "Cancelled?", "status": "cancelled",
         "closes_at": None, "closed_at": T0 + timedelta(hours=2)},
    ])
    ballot = _rows("ballot", id=String(), poll_id=Integer(), voter_tag=LargeBinary(),
                   voter_name=String(), ballot=Text())
    conn.execute(ballot.insert(), [  # type: ignore[attr-defined]
        {"id": "a1", "poll_id": 1, "voter_tag": b"t1", "voter_name": None, "ballot": "Park"},
        {"id": "a2", "poll_id": 1, "voter_tag": b"t2", "voter_name": None, "ballot": "Library"},
        {"id": "b1", "poll_id": 2, "voter_tag": None, "voter_name": None, "ballot": "Park"},
        {"id": "b2", "poll_id": 2, "voter_tag": None, "voter_name": None, "ballot": "Park"},
        {"id": "b3", "poll_id": 2, "voter_tag": None, "voter_name": None, "ballot": "Library"},
        {"id": "c1", "poll_id": 3, "voter_tag": None, "voter_name": "Ann", "ballot": "Park"},
    ])
    participation = _rows("participation", poll_id=Integer(), member=String())
    conn.execute(participation.insert(), [  # type: ignore[attr-defined]
        {"poll_id": poll_id, "member": f"u{n}"}
        for poll_id, n in ((1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 1))
    ])
    conn.execute(
        _rows("poll_secret", poll_id=Integer(), salt=LargeBinary()).insert(),  # type: ignore[attr-defined]
        [{"poll_id": 1, "salt": b"s" * 32}],
    )
    decisions = _rows(
        "decision", space=String(), platform=String(), workspace=String(), channel=String(),
        poll_number=Integer(), question=Text(), kind=String(), method=String(), rule=String(),
        options=Text(), status=String(), outcome=Text(), anonymous=Boolean(), opened_at=when,
        closed_at=when,
    )
    conn.execute(decisions.insert(), [{  # type: ignore[attr-defined]
        **{key: common[key] for key in ("space", "platform", "workspace", "channel", "kind",
                                        "method", "options", "anonymous")},
        "poll_number": 2, "question": "Closed?", "rule": "majority", "status": "closed",
        "outcome": decision_values(decision(2))["outcome"], "opened_at": T0,
        "closed_at": T0 + timedelta(hours=1),
    }])
    job = _rows("job", kind=String(), due_at=when, poll_id=Integer(), data=Text(),
                attempts=Integer(), done_at=when, failed=Boolean())
    conn.execute(job.insert(), [  # type: ignore[attr-defined]
        {"kind": "close", "due_at": T0 + timedelta(days=1), "poll_id": 1, "data": "{}",
         "attempts": 0, "done_at": None, "failed": False},
        {"kind": "close", "due_at": T0 + timedelta(hours=1), "poll_id": 2, "data": "{}",
         "attempts": 1, "done_at": T0 + timedelta(hours=1), "failed": False},
    ])
    contribution = _rows("contribution", space=String(), day=Date(), member=String(),
                         kind=String(), count=Integer())
    conn.execute(contribution.insert(), [  # type: ignore[attr-defined]
        {"space": common["space"], "day": date(2025, 3, 1), "member": member, "kind": kind,
         "count": count}
        for member, kind, count in (("u1", "vote", 2), ("u2", "vote", 2), ("u2", "reason", 1),
                                    ("u3", "idea", 1))
    ])


async def _all(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in (await conn.exec_driver_sql(sql)).all()]


async def test_a_first_release_database_is_upgraded_with_its_data(empty: str) -> None:
    await _first_release(empty)
    store = SqlStore(make_engine(empty))
    await store.start()
    try:
        engine = store._engine
        async with engine.connect() as conn:
            assert (await current_revision(conn)).current == HEAD
        # Open polls keep their ballots; ended polls' ballots moved, with no tag or id.
        assert sorted(await _all(engine, "SELECT id, poll_id, ballot FROM ballot")) == [
            ("a1", 1, "Park"), ("a2", 1, "Library")]
        assert sorted(await _all(engine, "SELECT poll_id, voter_name, ballot FROM closed_ballot")) \
            == [(2, None, "Library"), (2, None, "Park"), (2, None, "Park"), (3, "Ann", "Park")]
        assert sorted(await _all(engine, "SELECT member, kind, count FROM contribution")) == [
            ("u1", "vote", 2), ("u2", "vote", 2), ("u3", "idea", 1)]
        assert len(await _all(engine, "SELECT * FROM participation")) == 6
        assert len(await _all(engine, "SELECT * FROM job")) == 2
        assert await store.poll_salt(1) == b"s" * 32
        # And the store reads it all as its own.
        polls = await store.get_polls([1, 2, 3])
        assert [polls[n].spec.question for n in (1, 2, 3)] == ["Open?", "Closed?", "Cancelled?"]
        assert polls[1].spec.closes_at == T0 + timedelta(days=1)
        assert [d.question for d in await store.decisions(None)] == ["Closed?"]
        assert await store.next_due() == T0 + timedelta(days=1)
        assert await store.has_voted(1, "u2")
    finally:
        await store.close()


async def test_a_started_store_starts_again_without_changes(empty: str) -> None:
    for _ in range(2):
        store = SqlStore(make_engine(empty))
        await store.start()
        await store.close()
    engine = make_engine(empty)
    assert await _all(engine, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    await engine.dispose()


def _differences(conn: Connection) -> list[object]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": compare_server_default}
    )
    return compare_metadata(context, SQLModel.metadata)


async def test_b_migrations_make_what_the_models_describe(empty: str) -> None:
    engine = make_engine(empty)
    async with engine.begin() as conn:
        await create_schema(conn)
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
    await engine.dispose()


def _sqlite_schema(conn: Connection) -> list[tuple[str, str, list[str]]]:
    rows = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version'"
    ).all()
    return sorted((kind, name, _parts(sql or "")) for kind, name, sql in rows)


def _parts(sql: str) -> list[str]:
    """A CREATE statement's head, tail (e.g. WITHOUT ROWID) and its items in any order."""
    sql = re.sub(r"\s+", " ", sql).strip()
    start, end = sql.index("("), sql.rindex(")")
    items = re.split(r",\s*(?![^()]*\))", sql[start + 1:end])
    return [sql[:start].strip(), sql[end + 1:].strip(), *sorted(item.strip() for item in items)]


async def test_b_on_sqlite_migrations_match_create_all_to_the_letter(tmp_path: Path) -> None:
    # What autogenerate does not compare: WITHOUT ROWID, AUTOINCREMENT, partial indexes.
    migrated = make_engine(sqlite_url(tmp_path / "migrated.db"))
    async with migrated.begin() as conn:
        await create_schema(conn)
    upgraded_url = sqlite_url(tmp_path / "upgraded.db")
    await _first_release(upgraded_url)
    upgraded = make_engine(upgraded_url)
    async with upgraded.begin() as conn:
        await create_schema(conn)
    created = make_engine(sqlite_url(tmp_path / "created.db"))
    async with created.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    schemas = []
    for engine in (migrated, upgraded, created):
        async with engine.connect() as conn:
            schemas.append(await conn.run_sync(_sqlite_schema))
        await engine.dispose()
    assert schemas[0] == schemas[2]
    assert schemas[1] == schemas[2]
    assert any("WITHOUT ROWID" in part for _, name, parts in schemas[0] if name == "idea_author"
               for part in parts)


@pytest.mark.skipif(not POSTGRES_URL, reason="set ROUNDTABLE_TEST_POSTGRES_URL to test PostgreSQL")
async def test_c_fifteen_stores_start_at_once_on_an_empty_postgres_database() -> None:
    assert POSTGRES_URL
    engine = make_engine(POSTGRES_URL)
    async with engine.begin() as conn:
        await conn.run_sync(_drop_everything)
    await engine.dispose()
    stores = [SqlStore(make_engine(POSTGRES_URL)) for _ in range(15)]
    results = await asyncio.gather(*(store.start() for store in stores), return_exceptions=True)
    await asyncio.gather(*(store.close() for store in stores))
    assert [r for r in results if r is not None] == []
    engine = make_engine(POSTGRES_URL)
    assert await _all(engine, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    await engine.dispose()


async def test_c_fifteen_stores_start_at_once_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "roundtable.db")
    stores = [SqlStore(make_engine(url)) for _ in range(15)]
    results = await asyncio.gather(*(store.start() for store in stores), return_exceptions=True)
    await asyncio.gather(*(store.close() for store in stores))
    assert [r for r in results if r is not None] == []
    assert (tmp_path / "roundtable.db.migrate.lock").exists()


async def _in_thread(argv: list[str]) -> int:
    # main() runs its own event loop, so not on this test's.
    return await asyncio.to_thread(main, argv)


async def test_d_db_current_and_upgrade_on_the_command_line(
    empty: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml here: defaults
    await _first_release(empty)
    assert await _in_thread(["db", "current", "--db", empty]) == 0
    assert "made by the first release" in capsys.readouterr().out
    assert await _in_thread(["db", "upgrade", "--db", empty]) == 0
    assert HEAD in capsys.readouterr().out
    assert await _in_thread(["db", "current", "--db", empty]) == 0
    out = capsys.readouterr().out
    assert f"at revision {HEAD}, the newest" in out
    engine = make_engine(empty)
    assert len(await _all(engine, "SELECT * FROM closed_ballot")) == 4
    await engine.dispose()


async def test_d_db_current_on_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = sqlite_url(tmp_path / "new.db")
    assert await _in_thread(["db", "current", "--db", url]) == 0
    assert "The database is empty" in capsys.readouterr().out
