"""Attacks on the anonymity promise, one per finding of issue 11 (items 1-5).

Each test plays an adversary from the threat model in docs/anonymity.md and checks that
it learns nothing: a copy of the database without the master secret while a poll is
open (SQLite and PostgreSQL), the operator with the secret after close on PostgreSQL,
whoever receives the contributions export, a member diffing ``balance`` around votes,
and anyone trying to tell who added which idea.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from adapters.console.playground import Playground
from bot.anonymity import SEALED_PREFIX, Keyring
from bot.model import Actor
from bot.ports import FakeClock
from bot.service import Roundtable, Settings
from bot.voice_model import ContributionKind
from bot.voices.involvement import involvement_csv, involvement_rows
from storage import SqlStore, make_engine
from tests.conftest import SECRET, START, Driver

POSTGRES_URL = os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL")
VOTERS = [f"v{i:02d}" for i in range(15)]
OPTIONS = ["Library", "Park", "Town hall", "Pier"]
# Fifteen different rankings, so that each voter's ballot is one of a kind.
RANKINGS = [[a, b, c, d] for a in range(1, 5) for b in range(1, 5) for c in range(1, 5)
            for d in range(1, 5) if len({a, b, c, d}) == 4][:15]


def key(name: str) -> str:
    return Actor("console", "local", name).key


def ballot_json(ranking: list[int]) -> str:
    return json.dumps({"p": [n - 1 for n in ranking]}, separators=(",", ":"))


@pytest.fixture(params=[
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="set ROUNDTABLE_TEST_POSTGRES_URL to test PostgreSQL")),
])
async def attacked(request, tmp_path) -> AsyncIterator[Driver]:
    """The playground on SQLite or PostgreSQL, with fifteen voters in the channel."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'roundtable.db'}")
    else:
        engine = make_engine(POSTGRES_URL)
    driver = await _playground(engine, request.param)
    driver.path = tmp_path / "roundtable.db"  # type: ignore[attr-defined]
    yield driver
    await driver.core.store.close()
    await engine.dispose()


async def _playground(engine, dialect: str) -> Driver:
    """A playground with fifteen voters on ``engine`` (a PostgreSQL database is wiped)."""
    if dialect == "postgres":
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
    store = SqlStore(engine)
    await store.start()
    clock = FakeClock(START)
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", *VOTERS], write=lines.append)
    await playground.start()
    driver = Driver(playground, lines)
    driver.dialect = dialect  # type: ignore[attr-defined]
    return driver


async def _vote_one_by_one(driver: Driver) -> None:
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" "Town hall" "Pier" '
                     "--kind ranked")
    for name, ranking in zip(VOTERS, RANKINGS, strict=True):
        out = await driver.say(f"{name}: vote #1 {' '.join(map(str, ranking))}")
        assert "Your vote is in" in out


async def _link_by_order(driver: Driver) -> int:
    """The attack without any secret: line up participation and ballots in the order the
    rows sit in storage, and count the voters whose choice that reveals."""
    # PostgreSQL: heap order. SQLite: the order rows are read in (key order, WITHOUT ROWID).
    order = "ORDER BY ctid" if driver.dialect == "postgres" else ""
    async with driver.core.store.engine.connect() as conn:
        members = [row[0] for row in await conn.execute(
            text(f"SELECT member FROM participation {order}"))]
        ballots = [row[0] for row in await conn.execute(text(f"SELECT ballot FROM ballot {order}"))]
    truth = {key(name): ballot_json(r) for name, r in zip(VOTERS, RANKINGS, strict=True)}
    return sum(1 for member, ballot in zip(members, ballots, strict=False)
               if truth.get(member) == ballot)


def _raw_sqlite(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_a_database_copy_while_open_shows_no_choice_in_any_order(attacked):
    """Item 1: with only a copy of the database, write order links nobody to anything."""
    driver = attacked
    await _vote_one_by_one(driver)
    await driver.core.store.flush_contributions()
    assert await _link_by_order(driver) == 0
    async with driver.core.store.engine.connect() as conn:
        stored = [row[0] for row in await conn.execute(text("SELECT ballot FROM ballot"))]
    # Every stored ballot is sealed, and all are the same length: length says nothing either.
    assert len(stored) == len(VOTERS)
    assert all(ballot.startswith(SEALED_PREFIX) for ballot in stored)
    assert len({len(ballot) for ballot in stored}) == 1
    if driver.dialect == "sqlite":
        raw = _raw_sqlite(driver.path)
        for ranking in RANKINGS:
            assert ballot_json(ranking).encode() not in raw
    # The bot itself still reads them: the count at close is right.
    out = await driver.say("close #1")
    assert "Outcome of #1" in out and "15 of 16" in out


async def test_a_proposal_while_open_hides_stances_and_reasons_from_a_database_copy(attacked):
    """Item 1, proposals: a block's words and the stance are sealed too."""
    driver = attacked
    await driver.say('propose "Move the meeting to Thursdays"')
    await driver.say("v00: vote #1 agree")
    await driver.say("v01: vote #1 block it clashes with the carers group")
    async with driver.core.store.engine.connect() as conn:
        stored = [row[0] for row in await conn.execute(text("SELECT ballot FROM ballot"))]
    assert len({len(ballot) for ballot in stored}) == 1
    assert not any("block" in ballot or "carers" in ballot for ballot in stored)
    if driver.dialect == "sqlite":
        assert b"carers group" not in _raw_sqlite(driver.path)


async def _raw_postgres(driver: Driver, relation: str) -> bytes:
    """Every byte of a relation's pages as PostgreSQL holds them, dead tuples included."""
    async with driver.core.store.engine.connect() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        pages = (await conn.execute(
            text("SELECT pg_relation_size(:r) / current_setting('block_size')::int"),
            {"r": relation})).scalar_one()
        raw = b"".join([bytes((await conn.execute(
            text("SELECT get_raw_page(:r, :n)"), {"r": relation, "n": n})).scalar_one())
            for n in range(pages)])
        await conn.commit()
    return raw


@pytest.mark.skipif(not POSTGRES_URL, reason="set ROUNDTABLE_TEST_POSTGRES_URL")
async def test_postgres_after_close_keeps_no_salt_tag_or_sealed_ballot_even_dead(tmp_path):
    """Item 2: the operator with the master secret, after close, on PostgreSQL."""
    engine = make_engine(POSTGRES_URL)
    driver = await _playground(engine, "postgres")
    store, playground = driver.core.store, driver.playground
    try:
        await _vote_one_by_one(driver)
        # A second poll stays open: its rows must survive the rewrite, and still count.
        await driver.say('poll "Tea or coffee?" "Tea" "Coffee"')
        await driver.say("v00: vote #2 Tea")
        poll = await store.find_poll(playground.space, 1)
        salt = await store.poll_salt(poll.id)
        keyring = Keyring(SECRET)
        tags = [keyring.voter_tag(salt, key(name)) for name in VOTERS]
        async with engine.connect() as conn:
            sealed = [row[0] for row in await conn.execute(
                text("SELECT ballot FROM ballot WHERE poll_id = :p"), {"p": poll.id})]
        # A changed vote leaves a dead version behind, too.
        await driver.say("v03: vote #1 4 3 2 1")
        await driver.say("close #1")
        for relation in ("ballot", "poll_secret", "idea_author", "uq_ballot_poll_tag"):
            raw = await _raw_postgres(driver, relation)
            assert salt not in raw, relation
            assert not any(tag in raw for tag in tags), relation
            assert not any(ballot.encode() in raw for ballot in sealed), relation
        # Live rows: the open poll is intact, and the closed one's ballots are in plain text.
        assert "Tea wins" in await driver.say("close #2")
        async with engine.connect() as conn:
            closed = [row[0] for row in await conn.execute(
                text("SELECT ballot FROM closed_ballot WHERE poll_id = :p"), {"p": poll.id})]
        assert len(closed) == 15 and not any(b.startswith(SEALED_PREFIX) for b in closed)
    finally:
        await store.close()
        await engine.dispose()


async def test_the_contribution_record_never_says_who_blocked(driver, clock):
    """Item 3: a reason given with a block is not counted, so the export cannot name it."""
    await driver.say("people dana eli")
    await driver.say('propose "Move the meeting to Thursdays"')
    await driver.say("bob: vote #1 agree")
    await driver.say("carol: vote #1 block it clashes with the carers group")
    await driver.say("dana: vote #1 disagree too late in the week")
    await driver.say("eli: vote #1 agree")
    await driver.say("close #1")
    today = clock.now().date()
    csv_text = involvement_csv(await involvement_rows(driver.core.store, today, today))
    rows = {line.split(",")[1]: line.split(",")[4:] for line in csv_text.splitlines()[1:]}
    assert "reason" not in csv_text.splitlines()[0]
    # Whoever blocked, disagreed or agreed: the same row of figures.
    assert rows[key("bob")] == rows[key("carol")] == rows[key("dana")] == rows[key("eli")]
    async with driver.core.store.engine.connect() as conn:
        kinds = {row[0] for row in await conn.execute(text("SELECT kind FROM contribution"))}
    assert "reason" not in kinds


async def test_balance_does_not_move_with_each_vote(driver):
    """Item 4: diffing `balance` around each vote on a hidden proposal tells nothing."""
    await driver.say("people dana eli")
    await driver.say('group add staff "Staff"')
    await driver.say('group add carers "Carers"')
    for name in ("bob", "carol"):
        await driver.say(f"{name}: group join staff")
    for name in ("dana", "eli"):
        await driver.say(f"{name}: group join carers")
    await driver.say('propose "Move the meeting to Thursdays"')
    before = await driver.say("alice: balance --days 1")
    for vote in ("bob: vote #1 agree", "dana: vote #1 block it clashes with the carers group",
                 "dana: vote #1 agree", "eli: vote #1 disagree too late"):
        await driver.say(vote)
        assert await driver.say("alice: balance --days 1") == before, vote
    await driver.say("close #1")
    # At close everyone who took part is credited at once, whatever they chose.
    assert await driver.say("alice: balance --days 1") != before


async def test_ideas_say_nothing_of_who_added_which(driver, db_url, contributions):
    """Item 5: ideas are listed A to Z, kept sealed while open, and credited at close."""
    path = Path(db_url.split("///", 1)[1])
    await driver.say('ideas "What should PeerFest focus on?" --closes 3d')
    arrivals = [("bob", "Zumba in the park"), ("carol", "Music from local bands"),
                ("alice", "A quiet room at every event")]
    for name, idea in arrivals:
        out = await driver.say(f'{name}: idea #1 "{idea}"')
        assert "Your idea is in" in out and "idea 1" not in out and "idea 3" not in out
    # Nothing is credited while the round is open, so no record moves with an idea (alice
    # is credited for starting the round, which everyone saw her do).
    assert contributions == [ContributionKind.START]
    raw = _raw_sqlite(path)
    assert not any(idea.encode() in raw for _, idea in arrivals)
    listed = await driver.say("bob: ideas #1")
    assert listed.index("1. A quiet room") < listed.index("2. Music") < listed.index("3. Zumba")

    await driver.say("clock +3d")
    store = driver.core.store
    await store.flush_contributions()
    async with store.engine.connect() as conn:
        credited = sorted(tuple(row) for row in await conn.execute(
            text("SELECT member, kind, count FROM contribution WHERE kind = 'idea'")))
        stored = [row[0] for row in await conn.execute(
            text("SELECT text FROM idea ORDER BY number"))]
    assert credited == [(key(n), "idea", 1) for n in ("alice", "bob", "carol")]
    assert stored == sorted(idea for _, idea in arrivals)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM idea_author").fetchone()[0] == 0
    finally:
        conn.close()


async def test_a_changed_secret_is_told_plainly_and_loses_no_vote(driver):
    """Sealed ballots need the key they were sealed with: say so, and keep the votes."""
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee"')
    await driver.say("bob: vote #1 Tea")
    await driver.say("carol: vote #1 Tea")
    right = driver.core.keyring
    driver.core.keyring = Keyring(bytes(range(100, 132)))
    out = await driver.say("close #1")
    assert "That didn't work" in out and "secret key has changed" in out
    assert "Traceback" not in out
    driver.core.keyring = right
    # The poll is still open: it can be closed as soon as the right key is back.
    assert "Open polls (1)" in await driver.say("polls")
    out = await driver.say("close #1")
    assert "Tea wins" in out and "2 of 3" in out
