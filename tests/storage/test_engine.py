"""The engine's SQLite set-up, the table layout, and timestamps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite

from storage import SqlStore, make_engine
from storage.tables import AwareDateTime, SpaceMemberRow
from tests.storage.helpers import SPACE, T0, actor, decision, spec, sqlite_url, tag


async def _started(path: Path) -> SqlStore:
    store = SqlStore(make_engine(sqlite_url(path)))
    await store.start()
    return store


async def test_ballot_and_participation_tables_have_no_rowid(tmp_path: Path) -> None:
    store = await _started(tmp_path / "rt.db")
    await store.close()
    raw = sqlite3.connect(tmp_path / "rt.db")
    try:
        ddl = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    finally:
        raw.close()
    assert ddl["ballot"].rstrip().upper().endswith("WITHOUT ROWID")
    assert ddl["participation"].rstrip().upper().endswith("WITHOUT ROWID")


async def test_ballot_and_participation_carry_nothing_extra(tmp_path: Path) -> None:
    store = await _started(tmp_path / "rt.db")
    async with store.engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: {
                name: {c["name"] for c in inspect(sync).get_columns(name)}
                for name in ("ballot", "participation")
            }
        )
    await store.close()
    # voter_groups: the voter's group slugs, kept while open for group rules and cleared at
    # close like the tag (docs/anonymity.md).
    assert columns["ballot"] == {"id", "poll_id", "voter_tag", "voter_name", "ballot",
                                 "voter_groups"}
    assert columns["participation"] == {"poll_id", "member"}


async def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "rt.db"))
    async with engine.connect() as conn:
        values = {
            pragma: (await conn.exec_driver_sql(f"PRAGMA {pragma}")).scalar_one()
            for pragma in ("journal_mode", "synchronous", "busy_timeout", "secure_delete")
        }
        values["foreign_keys"] = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
    await engine.dispose()
    assert values == {
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 5000,
        "secure_delete": 1,
        "foreign_keys": 1,
    }


async def test_transactions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "rt.db"))
    async with engine.begin() as conn:
        await conn.exec_driver_sql("SELECT 1")  # a read, yet the lock is already held
        other = sqlite3.connect(tmp_path / "rt.db", timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    await engine.dispose()


async def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    store = await _started(tmp_path / "rt.db")
    await store.touch_member(SPACE, actor(1), T0)
    async with store.engine.begin() as writer:
        await writer.exec_driver_sql("DELETE FROM space_member")
        # busy_timeout is 5 s; a read that queued behind the writer would stall here.
        assert await store.member_keys(SPACE) == ["console:local:u1"]
    assert await store.member_keys(SPACE) == []
    await store.close()


async def test_in_memory_database_works(tmp_path: Path) -> None:
    store = SqlStore(make_engine("sqlite+aiosqlite://"))
    await store.start()
    poll = await store.create_poll(SPACE, "c", spec(), b"s", T0)
    await store.touch_member(SPACE, actor(1), T0)
    receipt = await store.record_vote(poll.id, tag(1), "{}", "m1", None)
    assert receipt.voted == 1
    assert await store.claim_close(poll.id, T0, T0)
    assert await store.ballots(poll.id) == [(None, "{}")]
    await store.close()


async def test_errors_do_not_show_parameters(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "rt.db"))
    async with engine.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (x TEXT UNIQUE)")
        await conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "secret-choice"})
    with pytest.raises(Exception) as raised:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "secret-choice"})
    await engine.dispose()
    assert "secret-choice" not in str(raised.value)


async def test_times_come_back_aware_utc(engine, store: SqlStore) -> None:
    berlin = timezone(timedelta(hours=1))
    await store.touch_member(SPACE, actor(1), T0.astimezone(berlin))
    async with engine.connect() as conn:
        joined = (await conn.execute(select(SpaceMemberRow.joined_at))).scalar_one()
    assert joined == T0
    assert joined.tzinfo is not None and joined.utcoffset() == timedelta(0)


async def test_naive_times_are_never_written(store: SqlStore) -> None:
    with pytest.raises(Exception, match="naive"):
        await store.touch_member(SPACE, actor(1), datetime(2025, 1, 1))
    assert await store.member_count(SPACE) == 0


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2999, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone.min]),
    )
)
def test_aware_datetime_conversion(moment: datetime) -> None:
    kind = AwareDateTime()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        stored = kind.process_bind_param(moment, dialect)
        assert stored is not None
        back = kind.process_result_value(stored, dialect)
        assert back == moment and back.utcoffset() == timedelta(0)
    assert kind.process_bind_param(moment, sqlite.dialect()).tzinfo is None


def test_aware_datetime_refuses_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        AwareDateTime().process_bind_param(datetime(2025, 1, 1), sqlite.dialect())


async def test_shredded_salt_and_tags_leave_no_trace_in_the_files(tmp_path: Path) -> None:
    salt = b"SALT-MARKER-0123456789abcdef"
    tags = [b"TAG-MARKER-%02d-0123456789abcdef" % i for i in range(30)]
    store = await _started(tmp_path / "rt.db")
    poll = await store.create_poll(SPACE, "c", spec(), salt, T0)
    for i, voter_tag in enumerate(tags):
        await store.record_vote(poll.id, voter_tag, "{}", f"m{i}", None)
    assert await store.claim_close(poll.id, T0, T0)
    assert await store.finish_close(poll.id, decision(poll.number))

    def traces() -> set[bytes]:
        files = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())
        return {marker for marker in (b"SALT-MARKER", b"TAG-MARKER") if marker in files}

    # While the bot still runs, the WAL file must not hold the old pages either.
    assert traces() == set()
    await store.close()
    assert traces() == set()
