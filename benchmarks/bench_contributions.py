"""Time contribution counting through the real store and core, against raw sqlite3.

Run from the repository root::

    python benchmarks/bench_contributions.py            # full run (about 20 seconds)
    python benchmarks/bench_contributions.py --quick    # short smoke run

Every event is a platform message or reply with an event id, from one of
``--members`` people in one of ``--spaces`` channels, spread over three days; a
share of them (``--replays``, 3% by default) repeat an id seen earlier, as Slack
retries and gateway replays do — half of those while the first is still held in
memory, half after it was written.

1. Store: ``await store.record_contribution(Contribution(...))`` for every event,
   then ``flush_contributions()``, on a real ``SqlStore`` over a temporary SQLite file.
2. Core: ``await core.handle(Spoke(...))`` for every event, then the flush — what an
   adapter does for each message. The channels' members are reported first with
   ``MembersSeen`` (untimed), as an adapter does on joining a channel.
3. Baseline: stdlib ``sqlite3`` on its own file (WAL, synchronous=NORMAL), the same
   two tables, and per event an ``INSERT OR IGNORE`` of its id and, if new, an upsert
   of its counter row, committed every 5,000 events (batched, but not aggregated).

Each timed run includes the final write. The counts are checked afterwards: the
stored total must equal the number of distinct events. Target: at least 20,000
events/s for the store and for the core. Exit status 1 if a target is missed, 2 if
a count is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Let the script run as a plain file without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
import sqlalchemy
from sqlalchemy import event, text

from bot.anonymity import Keyring
from bot.commands import MembersSeen
from bot.model import Actor, SpaceRef
from bot.ports import FakeClock
from bot.service import Roundtable, Settings
from bot.voice_model import Contribution, ContributionKind
from bot.voices.handlers import Spoke
from storage import SqlStore, make_engine

SEED = 20261125
TARGET = 20_000.0
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=3)
RAW_BATCH = 5_000


class CountWrong(Exception):
    """The stored counts do not match the distinct events sent."""


@dataclass(frozen=True)
class Event:
    """One platform message event, as an adapter would see it."""

    space: int
    member: int
    reply: bool
    event_id: str
    offset: float


@dataclass(frozen=True)
class Options:
    """What to run, from the command line."""

    events: int
    members: int
    spaces: int
    replays: float
    quick: bool


def parse_args(argv: list[str] | None = None) -> Options:
    """Read the command line (``--quick`` makes a short smoke run)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="events sent (200000)")
    parser.add_argument("--members", type=int, default=2_000, help="people (2000)")
    parser.add_argument("--spaces", type=int, default=4, help="channels (4)")
    parser.add_argument("--replays", type=float, default=0.03,
                        help="share of events that replay an earlier id, 0.01-0.05 (0.03)")
    parser.add_argument("--quick", action="store_true", help="20,000 events")
    args = parser.parse_args(argv)
    if args.quick:
        args.events = 20_000
    if args.events < 1 or args.members < 1 or args.spaces < 1 or not 0 <= args.replays < 0.5:
        parser.error("--events, --members and --spaces must be positive; --replays below 0.5")
    return Options(args.events, args.members, args.spaces, args.replays, args.quick)


def make_events(options: Options) -> tuple[list[Event], int]:
    """The event stream, replays included, and how many distinct events it holds."""
    rng = random.Random(SEED)
    events: list[Event] = []
    distinct = 0
    for n in range(options.events):
        if events and rng.random() < options.replays:
            # Half replay a recent event (still held in memory), half an old one.
            back = rng.randint(1, 50) if rng.random() < 0.5 else rng.randint(1, len(events))
            events.append(events[max(0, len(events) - back)])
            continue
        distinct += 1
        events.append(Event(rng.randrange(options.spaces), rng.randrange(options.members),
                            rng.random() < 0.15, f"Ev{n:08d}", n / options.events))
    return events, distinct


def spaces(options: Options) -> list[SpaceRef]:
    """The benchmark's channels."""
    return [SpaceRef("bench", "T1", f"C{n:03d}") for n in range(options.spaces)]


def moment(event: Event) -> datetime:
    """When the event happened: spread over ``SPAN``."""
    return START + SPAN * event.offset


class Commits:
    """Counts transactions committed through an engine."""

    def __init__(self, store: SqlStore) -> None:
        self.count = 0
        event.listen(store.engine.sync_engine, "commit", self._on_commit)

    def _on_commit(self, _conn: object) -> None:
        self.count += 1


async def stored_total(store: SqlStore) -> int:
    """The sum of every stored count."""
    async with store.engine.connect() as conn:
        total = (await conn.execute(text("SELECT sum(count) FROM contribution"))).scalar_one()
    return int(total or 0)


async def via_store(path: Path, events: list[Event], options: Options, distinct: int) -> float:
    """Record every event with ``store.record_contribution``; events a second."""
    store = SqlStore(make_engine(f"sqlite+aiosqlite:///{path}"))
    await store.start()
    commits = Commits(store)
    refs = spaces(options)
    kinds = {False: ContributionKind.MESSAGE, True: ContributionKind.REPLY}
    items = [Contribution(refs[e.space], f"bench:T1:U{e.member:05d}", kinds[e.reply], moment(e),
                          e.event_id) for e in events]
    try:
        start = time.perf_counter()
        for item in items:
            await store.record_contribution(item)
        await store.flush_contributions()
        elapsed = time.perf_counter() - start
        total = await stored_total(store)
    finally:
        await store.close()
    rate = len(events) / elapsed
    print(f"\n(1) store: {len(events):,} events in {elapsed:.2f} s = {rate:,.0f} events/s; "
          f"{commits.count:,} write transactions")
    if total != distinct:
        raise CountWrong(f"store counted {total:,}, expected {distinct:,}")
    print(f"    check: {total:,} counted = the distinct events sent")
    return rate


async def via_core(path: Path, events: list[Event], options: Options, distinct: int) -> float:
    """Send every event as ``core.handle(Spoke(...))``; events a second."""
    store = SqlStore(make_engine(f"sqlite+aiosqlite:///{path}"))
    await store.start()
    clock = FakeClock(START)
    core = Roundtable(store, clock, Keyring(os.urandom(32)), Settings())
    refs = spaces(options)
    people = [Actor("bench", "T1", f"U{n:05d}", f"Person {n}") for n in range(options.members)]
    kinds = {False: ContributionKind.MESSAGE, True: ContributionKind.REPLY}
    commands = [(moment(e), Spoke(people[e.member], refs[e.space], kinds[e.reply], e.event_id))
                for e in events]
    try:
        # As an adapter does on joining a channel: report its members, so the timed part
        # is the counting (a newcomer's first message also writes their membership).
        begin = time.perf_counter()
        for ref in refs:
            await core.handle(MembersSeen(people[0], ref, tuple(people)))
        print(f"\n(2) setup: {options.members:,} members reported in each of {len(refs)} "
              f"channels with MembersSeen in {time.perf_counter() - begin:.2f} s")
        start = time.perf_counter()
        for at, command in commands:
            clock.set(at)
            # Nothing to show, but a person's first message brings the one private
            # question about payments.
            if [e for e in await core.handle(command) if type(e).__name__ != "DirectMessage"]:
                raise CountWrong("a Spoke event answered with something to show")
        await store.flush_contributions()
        elapsed = time.perf_counter() - start
        total = await stored_total(store)
    finally:
        await store.close()
    rate = len(events) / elapsed
    print(f"    core: {len(events):,} Spoke events through Roundtable.handle in "
          f"{elapsed:.2f} s = {rate:,.0f} events/s")
    if total != distinct:
        raise CountWrong(f"core counted {total:,}, expected {distinct:,}")
    print(f"    check: {total:,} counted = the distinct events sent")
    return rate


def raw_sqlite(path: Path, events: list[Event], options: Options, distinct: int) -> float:
    """The same counting with stdlib sqlite3, batched commits, no aggregation."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE contribution (space TEXT, day TEXT, member TEXT, kind TEXT, "
                     "count INTEGER NOT NULL, PRIMARY KEY (space, day, member, kind)) "
                     "WITHOUT ROWID")
        conn.execute("CREATE TABLE seen_event (digest BLOB PRIMARY KEY, seen_on TEXT) "
                     "WITHOUT ROWID")
        keys = [spaces(options)[e.space].key for e in events]
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for n, (e, space) in enumerate(zip(events, keys, strict=True), start=1):
            day = moment(e).date().isoformat()
            digest = hashlib.blake2b(f"bench\x00{e.event_id}".encode(), digest_size=16).digest()
            if conn.execute("INSERT OR IGNORE INTO seen_event VALUES (?, ?)",
                            (digest, day)).rowcount:
                conn.execute(
                    "INSERT INTO contribution VALUES (?, ?, ?, ?, 1) ON CONFLICT DO UPDATE "
                    "SET count = count + 1",
                    (space, day, f"bench:T1:U{e.member:05d}", "reply" if e.reply else "message"))
            if n % RAW_BATCH == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        total = conn.execute("SELECT sum(count) FROM contribution").fetchone()[0]
    finally:
        conn.close()
    rate = len(events) / elapsed
    print(f"\n(3) raw sqlite3 baseline: {len(events):,} events, a COMMIT every {RAW_BATCH:,}, "
          f"in {elapsed:.2f} s = {rate:,.0f} events/s")
    if total != distinct:
        raise CountWrong(f"raw baseline counted {total:,}, expected {distinct:,}")
    return rate


async def run(options: Options, workdir: Path) -> int:
    """Run the three measurements and print the summary; 0 if the targets were met."""
    events, distinct = make_events(options)
    replays = len(events) - distinct
    print(f"{len(events):,} events from {options.members:,} people in {options.spaces} "
          f"channels over {SPAN.days} days; {replays:,} replays "
          f"({100 * replays / len(events):.1f}%), {distinct:,} distinct")
    store_rate = await via_store(workdir / "store.db", events, options, distinct)
    core_rate = await via_core(workdir / "core.db", events, options, distinct)
    raw = raw_sqlite(workdir / "raw.db", events, options, distinct)
    store_ok, core_ok = store_rate >= TARGET, core_rate >= TARGET
    print("\nsummary" + (" (quick run: fewer events than the target assumes)"
                         if options.quick else ""))
    print(f"store.record_contribution: {store_rate:,.0f} events/s (target >= {TARGET:,.0f}) "
          f"{'OK' if store_ok else 'MISSED'}")
    print(f"core.handle(Spoke): {core_rate:,.0f} events/s (target >= {TARGET:,.0f}) "
          f"{'OK' if core_ok else 'MISSED'}")
    print(f"raw sqlite3, batched, not aggregated: {raw:,.0f} events/s; "
          f"store/raw = {store_rate / raw:.1f}x")
    return 0 if store_ok and core_ok else 1


def main(argv: list[str] | None = None) -> int:
    """Print the machine, run the benchmark and judge it."""
    logging.basicConfig(level=logging.WARNING)
    options = parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"SQLAlchemy {sqlalchemy.__version__}, aiosqlite {aiosqlite.__version__}")
    with tempfile.TemporaryDirectory(prefix="rt-bench-") as tmp:
        print(f"database files in {tmp}")
        try:
            return asyncio.run(run(options, Path(tmp)))
        except CountWrong as wrong:
            print(f"FAILED: {wrong}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
