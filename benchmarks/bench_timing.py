"""Time the timed-work path: start-up over 100,000 pending jobs, memory, and burst firing lag.

Run from the repository root::

    python benchmarks/bench_timing.py             # full run, 4-9 minutes
    python benchmarks/bench_timing.py --quick     # smoke run, 1-2 minutes
    python benchmarks/bench_timing.py --diagnose  # always profile and try other batch sizes
    python benchmarks/bench_timing.py --db postgresql+asyncpg://user@host/db   # PostgreSQL

With ``--db`` setup builds in that database instead of a temporary SQLite file.
**Every Roundtable table in it is dropped first**: give it a throwaway database. On
PostgreSQL each bot process gets its own copy, ``CREATE DATABASE <db>_bench_<run>
TEMPLATE <db>`` (dropped after the run; the user needs CREATEDB and a ``postgres``
database to connect to for that), and the base is ``VACUUM ANALYZE``d once after setup,
as autovacuum would have done to a live database. A SQLite URL names the base file.

Setup (not timed) builds a temporary SQLite file through the real core with
``--pending`` pending jobs, none due yet:

- two bursts of ``--burst`` jobs each, in 1,000 spaces of 30 members: 70% check-ins
  (recurring schedules; each occurrence posts a card and adds the next one), 25%
  closings of small polls with three ballots each, and 5% reminders (a public line and a
  private message to each of the ~26 members who have not voted). The "instant" burst is
  due at one moment (Monday 10:00, the check-ins are ``--cron "0 10 * * MON"``); the
  "spread" burst is spread evenly over ``--spread`` seconds (``--every 1w`` check-ins);
- 300 polls with closing times and reminders over the next year, and 20 schedules;
- the rest added with ``store.add_jobs``: closings, reminders and occurrences of those
  polls and schedules, due at random over the following year.

Each measurement runs the bot in a fresh process on a fresh copy of that file, so its
imports count and its memory is its own:

1. Start: from spawning the process to the end of the first tick of the real ``Ticker``
   (APScheduler) over a real ``SqlStore``, ``Roundtable`` and ``Timekeeper``, nothing due.
2. Lag: the bot's clock is the system clock plus an offset, set after start so that the
   burst falls due at least ``--lead`` seconds later and ``--phase`` of a tick interval
   after a scheduled tick (0.5, the average case); time then runs at real speed. Each
   job's lag runs from its due time to the ``deliver`` call carrying its effect (delivery
   itself is a no-op that records; nothing is sent). The instant burst runs first, then the
   clock is moved on to the spread burst.
3. Memory: VmRSS and VmHWM from ``/proc/self/status`` in the bot process.

Targets: start under 2 s (median of the runs), lag p99 under 1.5 s for each burst, memory
growth (peak minus the RSS after imports, before the store opens) under 100 MB. With
``--diagnose``, or when the instant burst misses its target, the burst is run again under
cProfile with the store's calls timed, and with several ``Timekeeper`` batch sizes.
Exit status: 0 targets met, 1 a target missed, 2 the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib.metadata
import inspect
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Let the script run as a plain file without installing the package.
sys.path.insert(0, str(ROOT))

# The bot's own modules (and SQLAlchemy, APScheduler...) are imported inside functions,
# not here: the bot process measures its memory before and after importing them.

SEED = 20240601
#: The platform of every space the benchmark makes.
BENCH_PLATFORM = "bench"
SECRET = bytes(range(32))
START_TARGET_S = 2.0
LAG_P99_TARGET_S = 1.5
MEMORY_TARGET_MB = 100.0
MEMBERS = 30
#: Share of each burst: check-in occurrences, poll closings, reminders.
MIX = (("occur", 0.70), ("close", 0.25), ("remind", 0.05))
VOTES = {"close": 3, "remind": 5}
BACKGROUND_POLLS = 300
BACKGROUND_SCHEDULES = 20
BATCHES = (500, 1000, 2000, 5000)
SCHEDULE_NUMBER = re.compile(r"recurring schedule #(\d+)")
REMINDER_TITLE = re.compile(r"#(\d+) closes in ")
NUMBER = re.compile(r"#(\d+)")


class BenchFailed(Exception):
    """The benchmark could not measure what it meant to (not a missed target)."""


@dataclass(frozen=True)
class Options:
    """What to run, from the command line."""

    pending: int
    burst: int
    spread: float
    lead: float
    interval: float
    phase: float
    batch: int
    start_runs: int
    diagnose: bool | None
    quick: bool
    setup_dir: Path | None
    db: str | None = None


def parse_args(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    """Read the command line; ``--quick`` shrinks the run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pending", type=int, default=100_000,
                        help="pending jobs in the database at start (100000)")
    parser.add_argument("--burst", type=int, default=10_000,
                        help="jobs in each burst (10000)")
    parser.add_argument("--spread", type=float, default=60.0,
                        help="seconds the spread burst is spread over (60)")
    parser.add_argument("--lead", type=float, default=3.0,
                        help="seconds from the end of start-up to the burst (3)")
    parser.add_argument("--interval", type=float, default=1.0,
                        help="Ticker interval in seconds (1, the config default)")
    parser.add_argument("--phase", type=float, default=0.5,
                        help="where between two ticks the bursts fall due, as a fraction of "
                        "the interval after a tick: 0 best case, 0.5 average (default), "
                        "0.99 worst")
    parser.add_argument("--batch", type=int, default=2000,
                        help="Timekeeper batch size for the main run (2000, its default)")
    parser.add_argument("--start-runs", type=int, default=3,
                        help="extra start-only bot processes for the start figure (3)")
    diagnose = parser.add_mutually_exclusive_group()
    diagnose.add_argument("--diagnose", action="store_true", default=None,
                          help="always profile the instant burst and try other batch sizes")
    diagnose.add_argument("--no-diagnose", dest="diagnose", action="store_false",
                          help="never do that (by default: only when its target is missed)")
    parser.set_defaults(diagnose=None)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 20,000 pending, bursts of 1,000, spread over 10 s")
    parser.add_argument("--setup-dir", type=Path,
                        help="keep the built database in this directory and reuse it on later "
                        "runs with the same sizes (setup takes about 2 minutes)")
    parser.add_argument("--db", default=None,
                        help="database URL to build on instead of a temporary SQLite file, e.g. "
                        "postgresql+asyncpg://user@host/db. WARNING: EVERY ROUNDTABLE TABLE IN "
                        "IT IS DROPPED FIRST (the database is wiped), and on PostgreSQL copies "
                        "named <db>_bench_* are created and dropped beside it: give it a "
                        "throwaway database")
    parser.add_argument("--bot-process", help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.pending, args.burst, args.spread, args.start_runs = 20_000, 1_000, 10.0, 1
    if args.burst < 20 or args.pending < 2 * args.burst + 2_000:
        parser.error("--burst must be at least 20 and --pending at least 2 * burst + 2000")
    if args.spread <= 0 or args.lead <= 0 or args.interval <= 0 or args.batch < 1:
        parser.error("--spread, --lead, --interval and --batch must be positive")
    if not 0 <= args.phase < 1:
        parser.error("--phase must be at least 0 and below 1")
    if args.db is not None and args.setup_dir is not None:
        parser.error("--setup-dir keeps a temporary SQLite file; it does not go with --db")
    if args.db is not None and not args.bot_process:
        from sqlalchemy.engine import make_url

        if make_url(args.db).drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            parser.error("--db takes a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL")
    options = Options(args.pending, args.burst, args.spread, args.lead, args.interval,
                      args.phase, args.batch, max(0, args.start_runs), args.diagnose, args.quick,
                      args.setup_dir, args.db)
    return options, args


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise BenchFailed(f"/proc/self/status has no {field}")


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending, non-empty list."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class ManualClock:
    """Setup's clock: stands wherever it is put."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        """The time it was set to."""
        return self.at


class OffsetClock:
    """The bot's clock in the bot process: the system clock plus a settable offset."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """System time moved by ``offset`` seconds, in UTC."""
        return datetime.fromtimestamp(time.time() + self.offset, UTC)

    def aim(self, at: float, real: float) -> None:
        """Move the clock so that bot time ``at`` comes at real time ``real`` (POSIX times)."""
        self.offset = at - real


# -- setup (parent process) ----------------------------------------------------------------


@dataclass
class Plan:
    """What setup built: burst times, and each burst's jobs by marker with their due times."""

    t1: float
    t2: float
    marks: dict[str, dict[str, float]]
    counts: dict[str, Any]


def stamp(moment: float) -> str:
    """A POSIX time as the store keeps it in SQLite (naive UTC text)."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def burst_kinds(size: int, rng: random.Random) -> list[str]:
    """The kinds of a burst's jobs in the mix, shuffled so kinds alternate through it."""
    kinds: list[str] = []
    for kind, share in MIX[1:]:
        kinds += [kind] * round(size * share)
    kinds += [MIX[0][0]] * (size - len(kinds))
    rng.shuffle(kinds)
    return kinds


def reply_number(effects: list[Any], what: str) -> int:
    """The ``#N`` in the title of the creator's reply."""
    replies = [e for e in effects if type(e).__name__ == "Reply"]
    reply = replies[-1] if replies else None
    title = getattr(getattr(reply, "card", None), "title", "")
    found = NUMBER.search(title)
    if reply is None or found is None or "n't" in title:
        raise BenchFailed(f"{what} answered with {title!r}: {effects!r}")
    return int(found.group(1))


async def build_database(url: str, options: Options) -> Plan:
    """Fill a new database through the core (see the module docstring); not timed."""
    from sqlalchemy import text as sql_text

    from bot.anonymity import Keyring
    from bot.commands import CastVote, CreatePoll, CreateSchedule, MembersSeen
    from bot.model import Actor, SpaceRef
    from bot.service import Roundtable, Settings
    from bot.timed_work import JobKind, NewJob
    from storage import SqlStore, make_engine

    rng = random.Random(SEED)
    # T1: a Monday 10:00 UTC some weeks ahead; T2 an hour later; then everything else.
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    t1 = today + timedelta(days=28 + (7 - today.weekday()) % 7)
    t2 = t1 + timedelta(hours=1)
    background = t2 + timedelta(hours=2)
    clock = ManualClock(t1 - timedelta(days=8))
    store = SqlStore(make_engine(url))
    await store.start()
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="UTC"))
    counts: dict[str, Any] = {}
    try:
        spaces = [SpaceRef(BENCH_PLATFORM, f"T{i // 100:03d}", f"C{i:05d}")
                  for i in range(max(20, options.burst // 10))]
        admins = {space.key: Actor("bench", space.workspace, f"A{i:05d}", name=f"Host {i}",
                                   roles=frozenset({"admin"})) for i, space in enumerate(spaces)}
        members = {space.key: tuple(Actor("bench", space.workspace, f"U{i:05d}x{j:02d}",
                                          name=f"Member {i}.{j}") for j in range(MEMBERS))
                   for i, space in enumerate(spaces)}
        started = time.perf_counter()
        for first in range(0, len(spaces), 100):
            # The host is in the channel too: only reported members may start polls there.
            await asyncio.gather(*(core.handle(MembersSeen(admins[s.key], s,
                                                           (admins[s.key], *members[s.key])))
                                   for s in spaces[first:first + 100]))
        counts["spaces"] = len(spaces)
        counts["members"] = len(spaces) * (MEMBERS + 1)

        marks: dict[str, dict[str, float]] = {"instant": {}, "spread": {}}
        votes: list[tuple[Any, int, int]] = []
        made = Counter[str]()
        item = 0
        for burst in ("instant", "spread"):
            kinds = burst_kinds(options.burst, rng)
            for index, kind in enumerate(kinds):
                space = spaces[item % len(spaces)]
                admin = admins[space.key]
                item += 1
                if burst == "instant":
                    due = t1
                else:
                    offset = round(options.spread * index / len(kinds), 3)
                    due = t2 + timedelta(seconds=offset)
                if kind == "occur":
                    if burst == "instant":
                        clock.at = due - timedelta(minutes=1)
                        command = CreateSchedule(admin, space, f"How did this week go? ({item})",
                                                 cron="0 10 * * MON")
                    else:
                        clock.at = due - timedelta(weeks=1)
                        command = CreateSchedule(admin, space, f"Weekly round-up ({item})",
                                                 every="1w")
                    number = reply_number(await core.handle(command), "schedule")
                    marks[burst][f"occur:{space.key}#{number}"] = due.timestamp()
                elif kind == "close":
                    clock.at = due - timedelta(days=1)
                    effects = await core.handle(CreatePoll(
                        admin, space, f"Which day suits the retro? ({item})",
                        ("Tuesday", "Wednesday", "Thursday"), closes="1d", no_remind=True))
                    number = reply_number(effects, "poll")
                    poll_id = effects[0].key.removeprefix("poll:")
                    marks[burst][f"close:{poll_id}"] = due.timestamp()
                    votes.append((space, number, VOTES[kind]))
                else:
                    # Closes a day after the burst; its one-day reminder is the burst's job.
                    clock.at = due - timedelta(days=1)
                    effects = await core.handle(CreatePoll(
                        admin, space, f"Shall we move the meeting to Thursdays? ({item})",
                        ("Yes", "No"), closes="2d", remind="1d"))
                    number = reply_number(effects, "poll")
                    marks[burst][f"remind:{space.key}#{number}"] = due.timestamp()
                    votes.append((space, number, VOTES[kind]))
                made[f"{burst} {kind}"] += 1
        counts["burst_items"] = dict(made)
        counts["burst_setup_s"] = time.perf_counter() - started

        # The ballots, cast while the polls are open (all of them close at T1 or later).
        clock.at = t1 - timedelta(hours=1)
        ballots = [CastVote(members[space.key][j], space, number, (str(1 + (j + number) % 2),))
                   for space, number, voters in votes for j in range(voters)]
        for first in range(0, len(ballots), 500):
            for effects in await asyncio.gather(*(core.handle(b)
                                                  for b in ballots[first:first + 500])):
                if not effects[0].card.title.startswith("Your vote"):
                    raise BenchFailed(f"a vote answered with {effects[0].card.title!r}")
        counts["ballots"] = len(ballots)

        # Background: real polls and schedules that fall due after both bursts.
        clock.at = background
        poll_ids: list[int] = []
        for index in range(BACKGROUND_POLLS):
            space = spaces[index % len(spaces)]
            effects = await core.handle(CreatePoll(
                admins[space.key], space, f"Background question {index}?",
                ("Yes", "No", "Later"), closes=f"{rng.randint(2, 300)}d"))
            reply_number(effects, "poll")
            poll_ids.append(int(effects[0].key.removeprefix("poll:")))
        schedule_ids: list[int] = []
        for index in range(BACKGROUND_SCHEDULES):
            space = spaces[index]
            reply_number(await core.handle(CreateSchedule(
                admins[space.key], space, f"Monthly planning {index}",
                cron=f"{index} 9 * * TUE")), "schedule")
            schedule_ids += [s.id for s in await store.schedules(space)
                             if s.text.startswith("Monthly planning")]
        # Jobs the core made "in the past" (e.g. each poll's hourly nudge sweep, first due
        # an hour after the poll was made, a day before its burst) would all be due at
        # start: move them to the hour after the bursts, where they would recur anyway.
        async with store.engine.begin() as conn:
            if store.engine.dialect.name == "sqlite":
                stray = (await conn.exec_driver_sql(
                    "SELECT id, kind FROM job WHERE done_at IS NULL AND due_at < ?",
                    (stamp(t1.timestamp()),))).all()
                await conn.exec_driver_sql(
                    "UPDATE job SET due_at = ? WHERE id = ?",
                    [(stamp(background.timestamp() + rng.uniform(0, 3600)), job_id)
                     for job_id, _ in stray])
            else:
                stray = (await conn.execute(sql_text(
                    "SELECT id, kind FROM job WHERE done_at IS NULL AND due_at < :t1"),
                    {"t1": t1})).all()
                moves = [{"due": background + timedelta(seconds=rng.uniform(0, 3600)),
                          "id": job_id} for job_id, _ in stray]
                if moves:
                    await conn.execute(sql_text("UPDATE job SET due_at = :due WHERE id = :id"),
                                       moves)
            counts["moved"] = dict(Counter(kind for _, kind in stray))
            pending = (await conn.exec_driver_sql(
                "SELECT count(*) FROM job WHERE done_at IS NULL")).scalar_one()
        rest = options.pending - pending
        if rest < 0:
            raise BenchFailed(f"setup made {pending} pending jobs, more than --pending")
        year = 365 * 86400
        for first in range(0, rest, 10_000):
            jobs = []
            for _ in range(min(10_000, rest - first)):
                due = background + timedelta(seconds=rng.randrange(year))
                pick = rng.random()
                if pick < 0.35:
                    jobs.append(NewJob(JobKind.CLOSE, due, poll_id=rng.choice(poll_ids)))
                elif pick < 0.8:
                    jobs.append(NewJob(JobKind.REMIND, due, poll_id=rng.choice(poll_ids),
                                       data=json.dumps({"before": rng.choice((86400, 3600))})))
                else:
                    jobs.append(NewJob(JobKind.OCCUR, due, schedule_id=rng.choice(schedule_ids)))
            await store.add_jobs(jobs)
        counts["bulk_jobs"] = rest
        counts["setup_s"] = time.perf_counter() - started
    finally:
        await store.close()
    return Plan(t1.timestamp(), t2.timestamp(), marks, counts)


def check_database(path: Path, plan: Plan, options: Options) -> dict[str, Any]:
    """Count what the file holds (plain sqlite3), and fold its WAL in so it copies whole."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        def count(where: str, *args: str) -> dict[str, int]:
            rows = conn.execute(f"SELECT kind, count(*) FROM job WHERE done_at IS NULL {where} "
                                "GROUP BY kind", args).fetchall()
            return dict(rows)

        found = {
            "pending": sum(count("").values()),
            "before_t1": sum(count("AND due_at < ?", stamp(plan.t1)).values()),
            "instant": count("AND due_at = ?", stamp(plan.t1)),
            "spread": count("AND due_at >= ? AND due_at < ?", stamp(plan.t2),
                            stamp(plan.t2 + options.spread)),
            "polls": conn.execute("SELECT count(*) FROM poll").fetchone()[0],
            "schedules": conn.execute("SELECT count(*) FROM schedule").fetchone()[0],
        }
    finally:
        conn.close()
    return judge_found(found, plan, options)


def judge_found(found: dict[str, Any], plan: Plan, options: Options) -> dict[str, Any]:
    """``found``, if the database holds what setup planned."""
    for burst in ("instant", "spread"):
        if sum(found[burst].values()) != len(plan.marks[burst]):
            raise BenchFailed(f"{burst} burst: {found[burst]} jobs in the file, "
                              f"{len(plan.marks[burst])} planned")
    if found["pending"] != options.pending or found["before_t1"]:
        raise BenchFailed(f"file holds {found['pending']} pending jobs "
                          f"({found['before_t1']} due before the first burst)")
    return found


def quoted(name: str) -> str:
    """A PostgreSQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


class SqliteBase:
    """The base database as a SQLite file; each bot process runs on a copy of the file.

    Args:
        path: The file setup builds.
        workdir: Where the copies go.
        wipe: Drop every Roundtable table in the file before setup (``--db``).
    """

    def __init__(self, path: Path, workdir: Path, wipe: bool = False) -> None:
        self.path, self.workdir, self.wipe = path, workdir, wipe
        self.url = f"sqlite+aiosqlite:///{path}"

    def describe(self) -> str:
        """What the store runs on."""
        return f"SQLite file {self.path}"

    async def clear(self) -> None:
        """Drop the Roundtable tables, if asked to."""
        if self.wipe:
            await drop_tables(self.url)

    def check(self, plan: Plan, options: Options) -> dict[str, Any]:
        """What the built database holds (see ``check_database``)."""
        return check_database(self.path, plan, options)

    def size_mb(self) -> float:
        """The size of the file."""
        return self.path.stat().st_size / 1e6

    def copy(self, name: str) -> str:
        """A fresh copy of the file for run ``name``; its URL."""
        db = self.workdir / f"{name}.db"
        shutil.copyfile(self.path, db)
        # Owner-only, as the store makes its own files: else it warns at every start.
        db.chmod(0o600)
        return f"sqlite+aiosqlite:///{db}"

    def discard(self, name: str) -> None:
        """Delete the copy of run ``name``."""
        db = self.workdir / f"{name}.db"
        db.unlink(missing_ok=True)
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            extra.unlink(missing_ok=True)


async def drop_tables(url: str) -> None:
    """Drop every Roundtable table in the database at ``url``."""
    from sqlmodel import SQLModel

    from storage import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
    finally:
        await engine.dispose()


class PostgresBase:
    """The base database on PostgreSQL; each bot process runs on a copy of it.

    The copy is ``CREATE DATABASE <base>_bench_<run> TEMPLATE <base>``, made over a
    connection to the ``postgres`` database: nothing may be connected to the base then,
    so every engine on it is disposed before.

    Args:
        url: The base database (wiped first).
    """

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = url
        self.parsed = make_url(url)
        self.database = self.parsed.database or ""
        self.server = "?"

    def describe(self) -> str:
        """What the store runs on."""
        return (f"PostgreSQL {self.server}, database {self.database!r} on "
                f"{self.parsed.host}:{self.parsed.port or 5432} (copies {self.database}_bench_*)")

    async def _run(self, database: str, *statements: str) -> list[Any]:
        """Run statements outside any transaction; the first column of each first row."""
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(self.parsed.set(database=database),
                                     isolation_level="AUTOCOMMIT")
        try:
            results = []
            async with engine.connect() as conn:
                for sql in statements:
                    result = await conn.exec_driver_sql(sql)
                    results.append(result.scalar() if result.returns_rows else None)
            return results
        finally:
            await engine.dispose()

    async def clear(self) -> None:
        """Drop the Roundtable tables and any copies a crashed run left behind."""
        await drop_tables(self.url)
        (self.server,) = await self._run(self.database, "SHOW server_version")

    def check(self, plan: Plan, options: Options) -> dict[str, Any]:
        """``VACUUM ANALYZE`` the base, then count what it holds, as ``check_database``."""
        from sqlalchemy import text as sql_text
        from sqlalchemy.ext.asyncio import create_async_engine

        async def count_all() -> dict[str, Any]:
            engine = create_async_engine(self.parsed, isolation_level="AUTOCOMMIT")
            try:
                async with engine.connect() as conn:
                    await conn.exec_driver_sql("VACUUM ANALYZE")

                    async def count(where: str, **args: datetime) -> dict[str, int]:
                        rows = (await conn.execute(sql_text(
                            f"SELECT kind, count(*) FROM job WHERE done_at IS NULL {where} "
                            "GROUP BY kind"), args)).all()
                        return {kind: n for kind, n in rows}

                    def at(moment: float) -> datetime:
                        return datetime.fromtimestamp(moment, UTC)

                    return {
                        "pending": sum((await count("")).values()),
                        "before_t1": sum((await count("AND due_at < :t", t=at(plan.t1))).values()),
                        "instant": await count("AND due_at = :t", t=at(plan.t1)),
                        "spread": await count("AND due_at >= :a AND due_at < :b", a=at(plan.t2),
                                              b=at(plan.t2 + options.spread)),
                        "polls": (await conn.exec_driver_sql(
                            "SELECT count(*) FROM poll")).scalar_one(),
                        "schedules": (await conn.exec_driver_sql(
                            "SELECT count(*) FROM schedule")).scalar_one(),
                        "bytes": (await conn.exec_driver_sql(
                            "SELECT pg_database_size(current_database())")).scalar_one(),
                    }
            finally:
                await engine.dispose()

        found = asyncio.run(count_all())
        self.bytes = found.pop("bytes")
        return judge_found(found, plan, options)

    def size_mb(self) -> float:
        """The size of the base database (after ``check``)."""
        return self.bytes / 1e6

    def copy(self, name: str) -> str:
        """A fresh copy of the base for run ``name``; its URL."""
        copy = f"{self.database}_bench_{name}"
        asyncio.run(self._run("postgres", f"DROP DATABASE IF EXISTS {quoted(copy)} WITH (FORCE)",
                              f"CREATE DATABASE {quoted(copy)} TEMPLATE {quoted(self.database)}"))
        return self.parsed.set(database=copy).render_as_string(hide_password=False)

    def discard(self, name: str) -> None:
        """Drop the copy of run ``name``."""
        copy = f"{self.database}_bench_{name}"
        asyncio.run(self._run("postgres", f"DROP DATABASE IF EXISTS {quoted(copy)} WITH (FORCE)"))


Base = SqliteBase | PostgresBase


# -- the bot process -----------------------------------------------------------------------


def marker_of(effect: Any) -> str | None:
    """Which burst job an effect belongs to, for the effect that stands for that job."""
    if type(effect).__name__ != "Post":
        return None
    if effect.key and effect.key.startswith("outcome:"):
        return "close:" + effect.key.removeprefix("outcome:")
    title = effect.card.title
    if title.startswith("Check-in: "):
        for line in effect.card.lines:
            found = SCHEDULE_NUMBER.search(getattr(line, "text", ""))
            if found:
                return f"occur:{effect.space.key}#{found.group(1)}"
    found = REMINDER_TITLE.match(title)
    if found:
        return f"remind:{effect.space.key}#{found.group(1)}"
    return None


class Recorder:
    """The bot's ``deliver``: sends nothing, records when each burst job's effect came."""

    def __init__(self, clock: OffsetClock) -> None:
        self.clock = clock
        self.due: dict[str, float] = {}
        self.lag: dict[str, float] = {}
        self.effects: Counter[str] = Counter()
        self.unknown = 0
        self.dupes = 0
        self.first_at = self.last_at = 0.0
        self.done = asyncio.Event()

    def expect(self, due: dict[str, float]) -> None:
        """Start on a burst: markers and their due times (POSIX)."""
        self.due, self.lag = due, {}
        self.effects, self.unknown, self.dupes = Counter(), 0, 0
        self.first_at = self.last_at = 0.0
        self.done.clear()

    async def deliver(self, effects: list[Any]) -> None:
        """Record the effects of one job (what an adapter would send)."""
        now = self.clock.now().timestamp()
        for effect in effects:
            self.effects[type(effect).__name__] += 1
            key = marker_of(effect)
            if key is None:
                continue
            due = self.due.get(key)
            if due is None:
                self.unknown += 1
            elif key in self.lag:
                self.dupes += 1
            else:
                self.lag[key] = now - due
                self.first_at = self.first_at or time.time()
                self.last_at = time.time()
                if len(self.lag) == len(self.due):
                    self.done.set()

    def summary(self) -> dict[str, Any]:
        """Lag figures of the burst so far, in seconds."""
        lags = sorted(self.lag.values())
        by_kind: dict[str, list[float]] = {}
        for key, lag in self.lag.items():
            by_kind.setdefault(key.split(":")[0], []).append(lag)
        figures = {"expected": len(self.due), "delivered": len(lags), "unknown": self.unknown,
                   "dupes": self.dupes, "effects": dict(self.effects),
                   "span": self.last_at - self.first_at}
        if lags:
            figures |= {"min": lags[0], "p50": percentile(lags, 0.5),
                        "p95": percentile(lags, 0.95), "p99": percentile(lags, 0.99),
                        "max": lags[-1]}
            figures["kinds"] = {kind: (len(v), percentile(sorted(v), 0.5),
                                       percentile(sorted(v), 0.99))
                                for kind, v in sorted(by_kind.items())}
        return figures


class TickLog:
    """Wraps ``Ticker.tick`` to note when each tick ran, for how long, and how many jobs."""

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float, int]] = []
        self.busy = False
        self.first = asyncio.Event()

    def wrap(self, tick: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
        """The tick, logged."""

        async def logged() -> int:
            self.busy = True
            at, started = time.time(), time.perf_counter()
            try:
                ran = await tick()
            finally:
                self.busy = False
            self.ticks.append((at, time.perf_counter() - started, ran))
            self.first.set()
            return ran

        return logged

    def since(self, moment: float) -> dict[str, Any]:
        """Ticks that started after ``moment``: how many, the longest, jobs per tick."""
        ticks = [t for t in self.ticks if t[0] >= moment]
        busy = [t for t in ticks if t[2]]
        return {"ticks": len(ticks), "busy_ticks": len(busy),
                "longest": max((t[1] for t in ticks), default=0.0),
                "most_jobs": max((t[2] for t in ticks), default=0)}


class SkippedTicks(logging.Handler):
    """Counts APScheduler's "skipped: maximum number of running instances" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count a skipped tick; pass anything else on to stderr."""
        if "skipped" in record.getMessage():
            self.count += 1
        else:
            print(self.format(record), file=sys.stderr)

    def take(self) -> int:
        """The count since the last call."""
        count, self.count = self.count, 0
        return count


class CallTimes:
    """Wall time spent in named async methods of an object (profile runs only)."""

    def __init__(self) -> None:
        self.table: dict[str, list[float]] = {}

    def wrap_async(self, name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        """``method``, timed under ``name``."""

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self._add(name, started)

        return timed

    def wrap_sync(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, timed under ``name``."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._add(name, started)

        return timed

    def _add(self, name: str, started: float) -> None:
        entry = self.table.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started


def instrument(timekeeper: Any, recorder: Recorder, times: CallTimes) -> None:
    """Time the store's calls, each job's run, delivery and next-occurrence maths."""
    import bot.timing.job_runner

    store = timekeeper.store
    names = [name for name in dir(store) if not name.startswith("_") or name == "_checkpoint"]
    for name in names:
        method = getattr(store, name)
        if inspect.iscoroutinefunction(method) and name not in ("start", "close"):
            setattr(store, name, times.wrap_async(f"store.{name}", method))
    timekeeper.runner.run_batch = times.wrap_async("JobRunner.run_batch (all)",
                                                   timekeeper.runner.run_batch)
    timekeeper.deliver = times.wrap_async("deliver", recorder.deliver)
    bot.timing.job_runner.next_occurrence = times.wrap_sync("next_occurrence",
                                                     bot.timing.job_runner.next_occurrence)


def bot_process(config_path: str, spawned: float) -> int:
    """The bot under test, in its own process; writes its figures to a JSON file."""
    entered = time.time()
    rss_entry = status_mb("VmRSS")
    config = json.loads(Path(config_path).read_text())
    # What the bot imports to start; timed, and measured for memory, here.
    import storage  # noqa: F401  (imported for its cost; used in serve)

    imported = time.time()
    figures: dict[str, Any] = {
        "times": {"spawned": spawned, "entered": entered, "imported": imported},
        "rss": {"entry": rss_entry, "imported": status_mb("VmRSS")},
    }
    asyncio.run(serve(config, figures))
    figures["rss"]["peak"] = status_mb("VmHWM")
    Path(config["result"]).write_text(json.dumps(figures))
    return 0


async def serve(config: dict[str, Any], figures: dict[str, Any]) -> None:
    """Start the bot as ``roundtable`` does, then let the bursts fall due and record them."""
    from bot.anonymity import Keyring
    from bot.service import Roundtable, Settings
    from bot.timing.timekeeper import Timekeeper
    from roundtable import collector
    from roundtable.ticker import JOB_ID, Ticker
    from storage import SqlStore, make_engine

    skipped = SkippedTicks()
    logging.getLogger("apscheduler").addHandler(skipped)
    logging.getLogger("apscheduler").propagate = False
    times, rss = figures["times"], figures["rss"]
    # A minute before the first burst until start-up is over: nothing is due.
    clock = OffsetClock(config["t1"] - 60 - time.time())
    times["store_begin"] = time.time()
    store = SqlStore(make_engine(config["url"]))
    await store.start()
    times["store_started"] = time.time()
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="UTC"))
    recorder = Recorder(clock)
    # As serve() does: only the jobs of the platforms this process runs are claimed.
    timekeeper = Timekeeper(core, recorder.deliver, batch=config["batch"],
                            platforms=[BENCH_PLATFORM])
    ticker = Ticker(timekeeper, clock, interval=config["interval"])
    log = TickLog()
    ticker.tick = log.wrap(ticker.tick)  # type: ignore[method-assign]
    times["core_built"] = time.time()
    collector.settle()  # as roundtable.bootstrap.serve does, once its adapters are up
    ticker.start()
    try:
        await asyncio.wait_for(log.first.wait(), 60)
        times["first_tick"] = time.time()
        figures["first_tick_s"] = log.ticks[0][1]
        figures["first_tick_ran"] = log.ticks[0][2]
        rss["started"] = status_mb("VmRSS")
        started = time.perf_counter()
        await store.next_due()
        figures["next_due_s"] = time.perf_counter() - started

        marks = json.loads(Path(config["marks"]).read_text()) if config["bursts"] else {}
        rss["marks_loaded"] = status_mb("VmRSS")
        figures["bursts"] = {}
        profiler = cProfile.Profile() if config["profile"] else None
        call_times = CallTimes()
        if profiler is not None:
            instrument(timekeeper, recorder, call_times)
        job = ticker.scheduler.get_job(JOB_ID)
        for burst in config["bursts"]:
            recorder.expect(marks[burst])
            due = config["t1"] if burst == "instant" else config["t2"]
            aimed = time.time()
            # Ticks come at the next run time plus whole intervals: put the burst "phase"
            # of an interval after one of them, at least "lead" seconds from now.
            interval, tick = config["interval"], job.next_run_time.timestamp()
            steps = math.ceil((aimed + config["lead"] - tick) / interval)
            due_real = tick + (steps + config["phase"]) * interval
            clock.aim(due, due_real)
            if profiler is not None:
                await asyncio.sleep(max(0.0, due_real - time.time()))
                profiler.enable()
            timeout = config["lead"] + (config["spread"] if burst == "spread" else 0) + 600
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(recorder.done.wait(), timeout)
            if profiler is not None:
                profiler.disable()
            # Let the tick that delivered the last job mark its batch done.
            while log.busy:
                await asyncio.sleep(0.005)
            figures["bursts"][burst] = recorder.summary() | log.since(aimed) | {
                "skipped": skipped.take()}
            rss[f"after_{burst}"] = status_mb("VmRSS")
        if profiler is not None:
            profiler.dump_stats(config["profile"])
            figures["call_times"] = call_times.table
    finally:
        stopped = ticker.stop()
        if inspect.isawaitable(stopped):  # newer Tickers wait for a running tick
            await stopped
        await store.close()


# -- the parent: run bot processes and report -------------------------------------------------


def run_bot(workdir: Path, base: Base, plan: Plan, options: Options, name: str,
            bursts: tuple[str, ...], batch: int, profile: Path | None = None) -> dict[str, Any]:
    """Run one bot process on a fresh copy of the database; return its figures."""
    try:
        return bot_on_copy(workdir, base.copy(name), plan, options, name, bursts, batch, profile)
    finally:
        base.discard(name)


def bot_on_copy(workdir: Path, url: str, plan: Plan, options: Options, name: str,
                bursts: tuple[str, ...], batch: int, profile: Path | None) -> dict[str, Any]:
    """Run one bot process on the database at ``url``; return its figures."""
    config = {
        "url": url, "t1": plan.t1, "t2": plan.t2,
        "lead": options.lead, "interval": options.interval, "spread": options.spread,
        "phase": options.phase,
        "batch": batch, "bursts": list(bursts), "marks": str(workdir / "marks.json"),
        "profile": str(profile) if profile else None, "result": str(workdir / f"{name}.json"),
    }
    config_path = workdir / f"{name}.config.json"
    config_path.write_text(json.dumps(config))
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--bot-process", str(config_path),
         "--spawned", repr(spawned)],
        cwd=ROOT, check=False,
    )
    if done.returncode != 0:
        raise BenchFailed(f"bot process {name} exited with status {done.returncode}")
    return json.loads(Path(config["result"]).read_text())


def start_seconds(figures: dict[str, Any]) -> float:
    """Spawn to the end of the first tick."""
    return figures["times"]["first_tick"] - figures["times"]["spawned"]


def print_start(name: str, figures: dict[str, Any]) -> None:
    """One line of start-up figures."""
    t = figures["times"]
    print(f"  {name:10} {start_seconds(figures):5.2f} s = interpreter+stdlib "
          f"{t['entered'] - t['spawned']:.2f} + bot imports {t['imported'] - t['entered']:.2f}"
          f" + store.start() {t['store_started'] - t['store_begin']:.3f}"
          f" + core/timekeeper {t['core_built'] - t['store_started']:.3f}"
          f" + ticker start to first tick done {t['first_tick'] - t['core_built']:.3f}"
          f" (of which run_due {figures['first_tick_s'] * 1000:.1f} ms, ran "
          f"{figures['first_tick_ran']}); next_due() {figures['next_due_s'] * 1000:.1f} ms")


def print_memory(figures: dict[str, Any]) -> tuple[float, float]:
    """The memory line; returns (peak growth, final growth) from the after-imports RSS."""
    rss = figures["rss"]
    base = rss["imported"]
    last = rss.get("after_spread", rss.get("after_instant", rss["started"]))
    print(f"  RSS at entry (interpreter+stdlib) {rss['entry']:.1f} MB, after bot imports "
          f"{base:.1f} MB, after start {rss['started']:.1f} MB, after loading the harness's "
          f"burst map {rss['marks_loaded']:.1f} MB")
    after = ", ".join(f"after {k.removeprefix('after_')} burst {v:.1f} MB"
                      for k, v in rss.items() if k.startswith("after_"))
    print(f"  {after}; peak (VmHWM) {rss['peak']:.1f} MB")
    print(f"  growth from after-imports: start {rss['started'] - base:+.1f} MB, final "
          f"{last - base:+.1f} MB, peak {rss['peak'] - base:+.1f} MB; including the bot's "
          f"imports (from entry): peak {rss['peak'] - rss['entry']:+.1f} MB")
    return rss["peak"] - base, last - base


def print_burst(name: str, burst: dict[str, Any], options: Options) -> None:
    """The figures of one burst."""
    when = "all due at one instant" if name == "instant" else \
        f"due evenly over {options.spread:g} s"
    print(f"  {name} burst: {burst['expected']:,} jobs {when}; {burst['delivered']:,} delivered"
          f" ({burst['dupes']} twice, {burst['unknown']} unexpected)")
    if not burst["delivered"]:
        return
    print(f"    lag p50 {burst['p50']:.3f} s, p95 {burst['p95']:.3f} s, p99 {burst['p99']:.3f} s,"
          f" max {burst['max']:.3f} s (min {burst['min']:.3f} s)")
    kinds = ", ".join(f"{kind} ({n:,}) p50 {p50:.2f} / p99 {p99:.2f} s"
                      for kind, (n, p50, p99) in burst["kinds"].items())
    print(f"    by kind: {kinds}")
    effects = ", ".join(f"{n:,} {kind}" for kind, n in sorted(burst["effects"].items()))
    rate = burst["delivered"] / burst["span"] if burst["span"] > 0 else float("inf")
    print(f"    effects: {effects}; first to last delivery {burst['span']:.2f} s "
          f"({rate:,.0f} jobs/s); {burst['ticks']} ticks, {burst['busy_ticks']} ran jobs, "
          f"longest {burst['longest']:.2f} s, most jobs in one tick {burst['most_jobs']:,}; "
          f"{burst['skipped']} ticks skipped by APScheduler while one ran")


def print_profile(figures: dict[str, Any], profile: Path, burst: dict[str, Any]) -> None:
    """Where the instant burst's time went: timed calls, then cProfile's top functions."""
    span = burst["span"] or 1.0
    jobs = burst["delivered"] or 1
    print(f"  wall time in timed calls during the burst ({span:.2f} s first to last delivery,"
          " under cProfile, so slower than the real run; store calls nest, e.g. finish_close "
          "includes _checkpoint; calls that overlap each other add up to more than the span):")
    rows = sorted(figures["call_times"].items(), key=lambda kv: -kv[1][1])
    for name, (count, total) in rows:
        print(f"    {name:28} {count:7,} calls {total:8.2f} s  {total / count * 1000:7.3f} ms/call"
              f"  {total / jobs * 1000:6.3f} ms/job")
    out = io.StringIO()
    stats = pstats.Stats(str(profile), stream=out)
    stats.sort_stats("tottime").print_stats(12)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    idle = sum(row[2] for (_, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
               if name == "<method 'poll' of 'select.epoll' objects>")
    print(f"  cProfile, event-loop thread: {total:.2f} s profiled, {idle:.2f} s "
          f"({idle / (total or 1):.0%}) of it idle in epoll, i.e. waiting for the database "
          "threads; top functions by own time:")
    for line in lines[start:]:
        if line.strip():
            print("   " + line[:150])


def main(argv: list[str] | None = None) -> int:
    """Print the machine, build the database, run the bot processes and judge them."""
    options, args = parse_args(argv)
    if args.bot_process:
        return bot_process(args.bot_process, args.spawned)
    import aiosqlite
    import apscheduler
    import sqlalchemy

    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}; load average "
          f"{os.getloadavg()[0]:.2f} (other work slows the figures)")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, SQLAlchemy "
          f"{sqlalchemy.__version__}, aiosqlite {aiosqlite.__version__}, APScheduler "
          f"{apscheduler.__version__}"
          + (f", asyncpg {importlib.metadata.version('asyncpg')}" if options.db else ""))
    with tempfile.TemporaryDirectory(prefix="rt-bench-timing-") as tmp:
        workdir = Path(tmp)
        print(f"database files in {tmp}")
        try:
            return run(options, workdir)
        except BenchFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 2


def prepare(options: Options, workdir: Path) -> tuple[Base, Plan]:
    """Build the database, or reuse the one in ``--setup-dir`` built for the same sizes."""
    if options.db is not None:
        from sqlalchemy.engine import make_url

        url = make_url(options.db)
        if url.get_backend_name() == "sqlite":
            given: Base = SqliteBase(Path(url.database or ""), workdir, wipe=True)
        else:
            given = PostgresBase(options.db)
        asyncio.run(given.clear())
        print(f"  store on {given.describe()}; its Roundtable tables were dropped")
        return given, asyncio.run(build_database(given.url, options))
    if options.setup_dir is None:
        base = SqliteBase(workdir / "base.db", workdir)
        return base, asyncio.run(build_database(base.url, options))
    options.setup_dir.mkdir(parents=True, exist_ok=True)
    name = f"timing-{options.pending}-{options.burst}-{options.spread:g}"
    path, saved = options.setup_dir / f"{name}.db", options.setup_dir / f"{name}.plan.json"
    base = SqliteBase(path, workdir)
    if path.exists() and saved.exists():
        print(f"  reusing {path} (figures below are from when it was built)")
        return base, Plan(**json.loads(saved.read_text()))
    for stale in (path, saved, path.with_name(path.name + "-wal")):
        stale.unlink(missing_ok=True)
    plan = asyncio.run(build_database(base.url, options))
    saved.write_text(json.dumps(plan.__dict__))
    return base, plan


def run(options: Options, workdir: Path) -> int:
    """Everything after the machine line; returns the exit status."""
    print(f"\nsetup (not timed): {options.pending:,} pending jobs, two bursts of "
          f"{options.burst:,}, ...")
    base, plan = prepare(options, workdir)
    found = base.check(plan, options)
    (workdir / "marks.json").write_text(json.dumps(plan.marks))
    counts = plan.counts
    print(f"  built in {counts['setup_s']:.1f} s: {counts['spaces']:,} spaces, "
          f"{counts['members']:,} members, {found['polls']:,} polls, {found['schedules']:,} "
          f"schedules, {counts['ballots']:,} ballots, {counts['bulk_jobs']:,} jobs bulk-added; "
          f"{'file' if isinstance(base, SqliteBase) else 'database'} {base.size_mb():.1f} MB")
    if counts.get("moved"):
        print(f"  moved {sum(counts['moved'].values()):,} jobs the core made during setup that "
              f"fell due before the first burst ({counts['moved']}) to the hour after the bursts")
    print(f"  pending: {found['pending']:,} (none due before the first burst); instant burst "
          f"{found['instant']} at {datetime.fromtimestamp(plan.t1, UTC):%a %Y-%m-%d %H:%M} UTC;"
          f" spread burst {found['spread']} an hour later")
    print(f"  bot processes: Ticker interval {options.interval:g} s; each burst falls due at "
          f"least {options.lead:g} s after start-up, {options.phase:g} of an interval after a "
          f"scheduled tick (--phase); Timekeeper batch {options.batch} (main run)")

    print("\nstart-up (fresh process each; spawn to the end of the first tick, nothing due)")
    starts = []
    for index in range(options.start_runs):
        figures = run_bot(workdir, base, plan, options, f"start{index}", (), options.batch)
        print_start(f"start-only {index + 1}", figures)
        starts.append(start_seconds(figures))

    main_run = run_bot(workdir, base, plan, options, "main", ("instant", "spread"),
                       options.batch)
    print_start("main run", main_run)
    starts.append(start_seconds(main_run))
    start_median = statistics.median(starts)
    warm = ("database file in the page cache" if isinstance(base, SqliteBase)
            else "database copied from its template just before")
    print(f"  median {start_median:.2f} s, max {max(starts):.2f} s over {len(starts)} processes"
          f" ({warm}: a warm start)")

    print("\nmemory (main run, bot process)")
    peak_growth, final_growth = print_memory(main_run)

    print("\nfiring lag (main run; due time to the deliver call with the job's effect)")
    bursts = main_run["bursts"]
    for name in ("instant", "spread"):
        print_burst(name, bursts[name], options)

    lag_ok = {name: bursts[name]["delivered"] == bursts[name]["expected"]
              and not bursts[name]["dupes"] and bursts[name]["p99"] < LAG_P99_TARGET_S
              for name in ("instant", "spread")}
    diagnose = options.diagnose if options.diagnose is not None else not lag_ok["instant"]
    table = []
    if diagnose:
        print("\ndiagnosis: the instant burst again, under cProfile with timed calls")
        profile = workdir / "burst.prof"
        profiled = run_bot(workdir, base, plan, options, "profile", ("instant",),
                           options.batch, profile)
        print_profile(profiled, profile, profiled["bursts"]["instant"])
        print("\ndiagnosis: the instant burst with other Timekeeper batch sizes (fresh process"
              " and database copy each)")
        for batch in BATCHES:
            figures = run_bot(workdir, base, plan, options, f"batch{batch}", ("instant",), batch)
            burst = figures["bursts"]["instant"]
            rate = burst["delivered"] / burst["span"] if burst["span"] > 0 else float("inf")
            table.append((batch, burst))
            print(f"  batch {batch:5}: p50 {burst['p50']:6.2f} s  p99 {burst['p99']:6.2f} s  "
                  f"max {burst['max']:6.2f} s  {rate:7,.0f} jobs/s  "
                  f"peak RSS {figures['rss']['peak']:.0f} MB")

    start_ok = start_median < START_TARGET_S
    memory_ok = peak_growth < MEMORY_TARGET_MB
    print("\nsummary" + (" (quick run: fewer jobs than the targets assume)"
                         if options.quick else "")
          + f"; load average now {os.getloadavg()[0]:.2f}")
    print(f"start with {options.pending:,} pending jobs: median {start_median:.2f} s, max "
          f"{max(starts):.2f} s (target < {START_TARGET_S:g} s) {'OK' if start_ok else 'MISSED'}")
    for name in ("instant", "spread"):
        burst = bursts[name]
        print(f"lag, {name} burst of {burst['expected']:,}: p50 {burst.get('p50', 0):.3f} s, "
              f"p99 {burst.get('p99', 0):.3f} s, {burst['delivered']:,} delivered "
              f"(target p99 < {LAG_P99_TARGET_S:g} s) {'OK' if lag_ok[name] else 'MISSED'}")
    print(f"memory growth: peak {peak_growth:+.1f} MB, final {final_growth:+.1f} MB from after "
          f"imports (target peak < {MEMORY_TARGET_MB:g} MB) {'OK' if memory_ok else 'MISSED'}")
    if table:
        best = min(table, key=lambda row: row[1].get("p99", float("inf")))
        print(f"best batch size for the instant burst: {best[0]} (p99 {best[1]['p99']:.2f} s)")
    return 0 if start_ok and memory_ok and all(lag_ok.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
