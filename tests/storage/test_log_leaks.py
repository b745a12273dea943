"""Logs at DEBUG, on every logger, must not link a voter to a ballot (issue 11).

An operator who turns on SQLAlchemy's or the driver's debug logging (or ``echo``) gets
the SQL text, but never a parameter or a result row: those would print the member a
group lookup found, the ballot id an upsert returned, and the ballots a close read.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from adapters.console.playground import Playground
from bot.anonymity import Keyring
from bot.model import Actor
from bot.ports import FakeClock
from bot.service import Roundtable, Settings
from storage import SqlStore, make_engine
from tests.conftest import SECRET, START, Driver
from tests.storage.helpers import sqlite_url

POSTGRES_URL = os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="set ROUNDTABLE_TEST_POSTGRES_URL to test PostgreSQL")),
]
STAFF = [f"staff{i}" for i in range(5)]
LIVED = [f"lived{i}" for i in range(5)]
VOTERS = STAFF + LIVED
#: Every logger an operator might turn up to DEBUG, and the root.
NOISY = ("", "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine", "sqlalchemy.pool",
         "sqlalchemy.orm", "aiosqlite", "asyncpg", "bot", "storage")


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logs() -> Iterator[list[logging.LogRecord]]:
    """Every record, from every logger, at DEBUG (levels are put back afterwards)."""
    keep = _Keep()
    saved = {name: logging.getLogger(name).level for name in NOISY}
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger().addHandler(keep)
    try:
        yield keep.records
    finally:
        logging.getLogger().removeHandler(keep)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture(params=BACKENDS)
async def driver(request: pytest.FixtureRequest, tmp_path: Path,
                 logs: list[logging.LogRecord]) -> AsyncIterator[Driver]:
    """The playground on a fresh database, built while debug logging is already on."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "roundtable.db"))
    else:
        assert POSTGRES_URL
        engine = make_engine(POSTGRES_URL)
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
    store = SqlStore(engine)
    await store.start()
    clock = FakeClock(START)
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    lines: list[str] = []
    playground = Playground(core, clock, ["alice"], write=lines.append)
    await playground.start()
    yield Driver(playground, lines)
    await store.close()
    await engine.dispose()


async def _ballots(driver: Driver) -> list[tuple[str, str]]:
    async with driver.core.store.engine.connect() as conn:
        rows = await conn.execute(text("SELECT id, ballot FROM ballot"))
        return [(row[0], row[1]) for row in rows]


def _secrets_in(message: str, needles: dict[str, str]) -> list[str]:
    return [what for what, needle in needles.items() if needle in message]


async def _vote_and_close(driver: Driver) -> dict[str, str]:
    """An anonymous poll with groups; returns what must never reach a log, by name."""
    await driver.say("people " + " ".join(VOTERS))
    await driver.say('group add staff "Staff"')
    await driver.say('group add lived "Lived experience"')
    for name in STAFF:
        await driver.say(f"{name}: group join staff")
    for name in LIVED:
        await driver.say(f"{name}: group join lived")
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" "Pier" --rule parity')
    poll = await driver.core.store.find_poll(driver.playground.space, 1)
    salt = await driver.core.store.poll_salt(poll.id)
    assert salt
    keyring = Keyring(SECRET)
    for i, name in enumerate(VOTERS):
        assert "Your vote is in" in await driver.say(f"{name}: vote #1 {i % 3 + 1}")
    # Two change their minds: the upsert returns the existing ballot's id.
    await driver.say(f"{VOTERS[0]}: vote #1 3")
    await driver.say(f"{VOTERS[5]}: vote #1 2")
    needles: dict[str, str] = {"salt": salt.hex(), "salt bytes": repr(salt)[2:-1]}
    for name in VOTERS:
        key = Actor("console", "local", name).key
        tag = keyring.voter_tag(salt, key)
        needles[f"member {name}"] = name
        needles[f"tag of {name}"] = tag.hex()
        needles[f"tag bytes of {name}"] = repr(tag)[2:-1]
    open_ballots = await _ballots(driver)
    assert len(open_ballots) == len(VOTERS)
    assert "Outcome of #1" in await driver.say("close #1")
    for ballot_id, ballot in open_ballots + await _ballots(driver):
        needles[f"ballot id {ballot_id}"] = ballot_id
        needles[f"ballot {ballot}"] = ballot
    needles["ballot json"] = '"p":'
    return needles


async def test_debug_logs_never_carry_rows_or_parameters(driver, logs):
    needles = await _vote_and_close(driver)
    sql_lines = [r for r in logs if r.name.startswith("sqlalchemy")]
    # Debug logging really was on: the statements themselves were logged.
    assert any("INSERT INTO ballot" in r.getMessage() for r in sql_lines)
    leaks = [(r.name, r.getMessage()[:200], _secrets_in(r.getMessage(), needles))
             for r in logs if _secrets_in(r.getMessage(), needles)]
    assert leaks == []
    assert not any(r.getMessage().startswith(("Row ", "Col ")) for r in sql_lines)


async def test_echo_turned_on_later_is_guarded_too(driver, logs):
    # echo="debug" swaps in SQLAlchemy's own logger wrapper and adds a stdout handler.
    engine_logger = logging.getLogger("sqlalchemy.engine.Engine")
    before = list(engine_logger.handlers)
    sync_engine = driver.core.store.engine.sync_engine
    sync_engine.echo = "debug"
    printed = io.StringIO()
    added = [handler for handler in engine_logger.handlers if handler not in before]
    for handler in added:
        handler.setStream(printed)
    try:
        needles = await _vote_and_close(driver)
    finally:
        sync_engine.echo = False
        for handler in added:
            engine_logger.removeHandler(handler)
    if added:
        assert "INSERT INTO ballot" in printed.getvalue()
        assert _secrets_in(printed.getvalue(), needles) == []
    assert [r.getMessage()[:200] for r in logs if _secrets_in(r.getMessage(), needles)] == []


def test_guard_keeps_sql_text_and_numbers_but_withholds_everything_else():
    from storage.log_guard import WITHHELD, SqlLogGuard

    guard = SqlLogGuard()

    def record(msg: str, *args: object, level: int = logging.INFO) -> logging.LogRecord:
        return logging.LogRecord("sqlalchemy.engine.Engine", level, __file__, 1, msg, args, None)

    statement = record("SELECT ballot.id FROM ballot WHERE ballot.poll_id = ?")
    assert guard.filter(statement) and statement.getMessage().startswith("SELECT ballot.id")
    assert not guard.filter(record("Row %r", ("abc123", '{"p":[1]}'), level=logging.DEBUG))
    assert not guard.filter(record("Col %r", ("id", "ballot"), level=logging.DEBUG))
    params = record("[%s] %r", "generated in 0.001s", {"member": "console:local:bob"})
    assert guard.filter(params)
    assert "bob" not in params.getMessage() and WITHHELD in params.getMessage()
    count = record("CursorResult rewound %d row(s)", 3, level=logging.DEBUG)
    assert guard.filter(count) and count.getMessage() == "CursorResult rewound 3 row(s)"
    named = record("%(what)s", level=logging.DEBUG)
    named.args = {"what": "console:local:bob"}
    assert guard.filter(named) and "bob" not in named.getMessage()
