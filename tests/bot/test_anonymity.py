"""The anonymity promise, checked the way a suspicious database administrator would.

After a poll closes, a full dump of the database, its raw files and the captured
logs must contain nothing that links a member to a choice — even for someone who
holds the bot's master secret.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from bot.anonymity import Keyring
from bot.model import Actor
from tests.conftest import SECRET

VOTERS = [f"voter{i:02d}" for i in range(20)]
OPTIONS = ["Library", "Park", "Town hall"]


def _dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_after_close_nothing_links_a_member_to_a_choice(driver, db_url, caplog):
    caplog.set_level(logging.DEBUG)
    db = Path(db_url.split("///", 1)[1])
    await driver.say("people " + " ".join(VOTERS))
    await driver.say('poll "Where should PeerFest be?" "Library" "Park" "Town hall"')
    poll = await driver.core.store.find_poll(driver.playground.space, 1)
    salt = await driver.core.store.poll_salt(poll.id)
    keyring = Keyring(SECRET)
    tags = {}
    for i, name in enumerate(VOTERS):
        out = await driver.say(f"{name}: vote #1 {i % 3 + 1}")
        assert "Your vote is in" in out
        tags[name] = keyring.voter_tag(salt, Actor("console", "local", name).key)

    # While open, the tags exist (that is how a second vote replaces the first).
    assert tags["voter00"] in _raw(db)

    out = await driver.say("close #1")
    assert "Outcome of #1" in out

    dump = _dump(db)
    raw = _raw(db)
    # 1. The secrets that could rebuild the link are gone: no salt, no tags, anywhere.
    assert salt not in raw and salt.hex() not in dump
    for tag in tags.values():
        assert tag not in raw and tag.hex() not in dump
    assert await driver.core.store.poll_salt(poll.id) is None

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM ballot").fetchone()[0] == 0
        ballots = conn.execute("SELECT * FROM closed_ballot").fetchall()
        ballot_cols = [c[1] for c in conn.execute("PRAGMA table_info(closed_ballot)")]
        participation_cols = [c[1] for c in conn.execute("PRAGMA table_info(participation)")]
        ballot_sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'closed_ballot'").fetchone()[0]
    finally:
        conn.close()
    # 2. Ballots hold choices and nothing else: no member, no time, no order.
    assert len(ballots) == len(VOTERS)
    assert not any(col in ballot_cols for col in ("member", "created_at", "voted_at", "rowid"))
    assert "voter_tag" not in ballot_sql.lower() and "voter_groups" not in ballot_sql.lower()
    assert "voter_tag" not in ballot_cols and "voter_groups" not in ballot_cols
    for row in ballots:
        assert not any(isinstance(v, str) and "voter" in v for v in row)
    # 3. Participation says who voted, and nothing about what.
    assert not any("ballot" in col or "choice" in col for col in participation_cols)
    # 4. The order of ballots in the table is not the order people voted in.
    choice_col = ballot_cols.index("ballot")
    id_col = ballot_cols.index("id")
    stored_order = [row[choice_col] for row in sorted(ballots, key=lambda row: row[id_col])]
    voted_order = [f'{{"p":[{i % 3}]}}' for i in range(len(VOTERS))]
    assert stored_order != voted_order

    # 5. No log line carries a ballot, a tag or a name next to a choice.
    for record in caplog.records:
        message = record.getMessage()
        assert not any(tag.hex() in message for tag in tags.values())
        assert not any(option in message for option in OPTIONS), message
        assert '"p":' not in message


async def test_cancelled_poll_keeps_no_ballots(driver, db_url):
    db = Path(db_url.split("///", 1)[1])
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee"')
    await driver.say("bob: vote #1 Coffee")
    out = await driver.say("cancel #1")
    assert "was cancelled" in out
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM ballot").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM poll_secret").fetchone()[0] == 0
    finally:
        conn.close()
    assert "cancelled" in await driver.say("results #1")
