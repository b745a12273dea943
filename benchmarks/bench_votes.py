"""Time the vote path through the real core and SQLite store, against raw sqlite3.

Run from the repository root::

    python benchmarks/bench_votes.py            # full run (about half a minute)
    python benchmarks/bench_votes.py --quick    # short smoke run
    python benchmarks/bench_votes.py --db postgresql+asyncpg://user@host/db   # PostgreSQL

With ``--db`` the store runs on that database instead of a temporary SQLite file.
**Every Roundtable table in it is dropped first**: give it a throwaway database.

Every vote is ``await core.handle(CastVote(...))`` on a real ``Roundtable`` over a
real ``SqlStore`` on a temporary SQLite file, exactly as an adapter sends it (no
console in between). One space holds four open polls (choice, ranked, score and a
consent proposal) and ``--voters`` members, reported first with ``MembersSeen``.

1. Capacity: every voter votes at once (one task per voter, each voting on every
   poll in turn), for ``--rounds`` rounds; later rounds replace earlier votes.
2. Latency: open-loop arrivals at ``--rate`` votes a second for ``--seconds``. A
   vote is started when the schedule says, whether or not earlier ones have
   finished, and its latency runs from its scheduled start to the return of
   ``handle`` (the vote has committed by then), so a stalled loop shows up.
3. Baseline: stdlib ``sqlite3`` on its own file (WAL, synchronous=NORMAL), one
   ballot upsert and one participation upsert per vote, one COMMIT per vote.

Targets: capacity at least 5,000 votes/s, p99 under 50 ms at 1,000 votes/s. The
exit status is 1 if a target is missed, 2 if a vote got anything but a
"Your vote ..." reply.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import platform
import random
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# Let the script run as a plain file without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
import sqlalchemy
from sqlalchemy import event
from sqlmodel import SQLModel

from bot.anonymity import Keyring
from bot.commands import CastVote, CreatePoll, MembersSeen
from bot.effects import Effect, Reply, UpdatePost
from bot.model import Actor, SpaceRef
from bot.ports import SystemClock
from bot.service import Roundtable, Settings
from storage import SqlStore, make_engine

SEED = 20240601
CAPACITY_TARGET = 5_000.0
P99_TARGET_MS = 50.0
OPTIONS = ("Library", "Park", "Town hall", "Pier")
SPACE = SpaceRef("bench", "bench-team", "decisions")
REASONS = ("it clashes with the school run", "we have not costed it", "too far for some")


class VoteFailed(Exception):
    """A vote got something other than its "Your vote ..." confirmation."""


@dataclass(frozen=True)
class Options:
    """What to run, from the command line."""

    voters: int
    seconds: float
    rate: float
    rounds: int
    raw_votes: int
    quick: bool
    db: str | None = None


class TxCounter:
    """Counts transactions on the store's engine through SQLAlchemy's engine events.

    Args:
        store: The store whose engine to watch.
    """

    def __init__(self, store: SqlStore) -> None:
        self.commits = 0
        self.rollbacks = 0
        sync_engine = store.engine.sync_engine
        event.listen(sync_engine, "commit", self._on_commit)
        event.listen(sync_engine, "rollback", self._on_rollback)

    def _on_commit(self, _conn: object) -> None:
        self.commits += 1

    def _on_rollback(self, _conn: object) -> None:
        self.rollbacks += 1

    def snapshot(self) -> tuple[int, int]:
        """The counts so far: (commits, rollbacks)."""
        return self.commits, self.rollbacks


def parse_args(argv: list[str] | None = None) -> Options:
    """Read the command line.

    Args:
        argv: Arguments without the program name; None reads ``sys.argv``.

    Returns:
        The options, with ``--quick`` applied.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000, help="simulated voters (1000)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="length of the latency run in seconds (10)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=1000.0,
        help="votes a second offered in the latency run (1000)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="capacity rounds; each voter votes on every poll per round (3)",
    )
    parser.add_argument(
        "--raw-votes",
        type=int,
        default=5000,
        help="votes written by the raw sqlite3 baseline (5000)",
    )
    parser.add_argument(
        "--db",
        default=None,
        help="database URL to run on instead of a temporary SQLite file (its Roundtable "
        "tables are dropped first)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short smoke run: 200 voters, 1 round, 2 s, 1000 raw votes",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.voters, args.rounds, args.seconds, args.raw_votes = 200, 1, 2.0, 1000
    if args.voters < 1 or args.rounds < 1 or args.seconds <= 0 or args.rate <= 0:
        parser.error("--voters, --rounds, --seconds and --rate must be positive")
    return Options(args.voters, args.seconds, args.rate, args.rounds, args.raw_votes, args.quick,
                   args.db)


def make_voters(count: int) -> list[Actor]:
    """The simulated people, all on the "bench" platform.

    Args:
        count: How many.

    Returns:
        One ``Actor`` per voter, with a display name.
    """
    return [Actor("bench", SPACE.workspace, f"U{i:05d}", name=f"Voter {i}") for i in range(count)]


def choices_for(kind: str, rng: random.Random) -> tuple[str, ...]:
    """A valid random ballot, in the words a person would type, for one poll kind.

    Args:
        kind: "choice", "ranked", "score" or "consent".
        rng: Where the randomness comes from.

    Returns:
        The words for ``CastVote.choices``.
    """
    numbers = [str(n) for n in range(1, len(OPTIONS) + 1)]
    if kind == "choice":
        return (rng.choice(numbers),)
    if kind == "ranked":
        return tuple(rng.sample(numbers, rng.randint(1, len(numbers))))
    if kind == "score":
        return tuple(f"{n}={rng.randint(0, 5)}" for n in numbers)
    stance = rng.choice(("agree", "agree", "abstain", "disagree", "block"))
    return (stance, rng.choice(REASONS)) if stance in ("disagree", "block") else (stance,)


def check_vote(effects: list[Effect]) -> None:
    """Fail loudly unless ``effects`` is a vote confirmation and a poll update.

    Raises:
        VoteFailed: With the title and text of whatever came back instead.
    """
    first = effects[0] if effects else None
    if (
        isinstance(first, Reply)
        and first.card.title.startswith("Your vote")
        and len(effects) == 2
        and isinstance(effects[1], UpdatePost)
    ):
        return
    if isinstance(first, Reply):
        body = " ".join(getattr(line, "text", "") for line in first.card.lines)
        raise VoteFailed(f"vote answered with {first.card.title!r}: {body}")
    raise VoteFailed(f"vote answered with {effects!r}")


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list.

    Args:
        ordered: Values, sorted ascending, not empty.
        share: 0 < share <= 1, e.g. 0.99.

    Returns:
        The smallest value with at least ``share`` of the values at or below it.
    """
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


async def set_up(core: Roundtable, voters: list[Actor]) -> list[tuple[int, str]]:
    """Report the members and open one poll of each kind.

    Args:
        core: The core under test.
        voters: The members of the space.

    Returns:
        (poll number, kind) for each poll opened.
    """
    admin = Actor(
        "bench", SPACE.workspace, "UADMIN", name="Facilitator", roles=frozenset({"admin"})
    )
    start = time.perf_counter()
    effects = await core.handle(MembersSeen(admin, SPACE, (admin, *voters)))
    if effects:
        raise VoteFailed(f"MembersSeen answered with {effects!r}")
    print(
        f"setup: {len(voters):,} members reported with one MembersSeen in "
        f"{time.perf_counter() - start:.2f} s"
    )
    polls = []
    for kind in ("choice", "ranked", "score", "consent"):
        options = () if kind == "consent" else OPTIONS
        effects = await core.handle(
            CreatePoll(admin, SPACE, f"Benchmark {kind} poll?", options, kind=kind)
        )
        reply = effects[-1]
        if not (isinstance(reply, Reply) and reply.card.title.startswith("Your ")):
            raise VoteFailed(f"CreatePoll answered with {effects!r}")
        # The title reads "Your poll #N is up".
        number = int(reply.card.title.split("#")[1].split()[0])
        polls.append((number, kind))
    return polls


async def capacity(
    core: Roundtable,
    voters: list[Actor],
    polls: list[tuple[int, str]],
    rounds: int,
    counter: TxCounter,
) -> float:
    """Everyone votes as fast as the store allows; print per-round and overall figures.

    Args:
        core: The core under test.
        voters: The voters; each gets one task per round.
        polls: (number, kind) of the open polls.
        rounds: How many times each voter votes on every poll.
        counter: Counts the store's transactions.

    Returns:
        Votes a second over all rounds.
    """
    rng = random.Random(SEED)
    plan = [
        [
            [CastVote(voter, SPACE, number, choices_for(kind, rng)) for number, kind in polls]
            for voter in voters
        ]
        for _ in range(rounds)
    ]

    async def one_voter(commands: list[CastVote]) -> None:
        for command in commands:
            check_vote(await core.handle(command))

    print(
        f"\n(a) capacity: {len(voters):,} voters at once, each voting on {len(polls)} polls "
        f"in turn, {rounds} round(s)"
    )
    total_votes = 0
    total_time = 0.0
    commits_before, rollbacks_before = counter.snapshot()
    for number, commands in enumerate(plan, start=1):
        commits, _ = counter.snapshot()
        start = time.perf_counter()
        await asyncio.gather(*(one_voter(per_voter) for per_voter in commands))
        elapsed = time.perf_counter() - start
        votes = sum(len(per_voter) for per_voter in commands)
        total_votes += votes
        total_time += elapsed
        batches = counter.commits - commits
        what = "first votes" if number == 1 else "replacing votes"
        print(
            f"  round {number} ({what}): {votes:,} votes in {elapsed:.2f} s = "
            f"{votes / elapsed:,.0f} votes/s; {batches:,} write transactions "
            f"(~{votes / max(batches, 1):.0f} votes each)"
        )
    commits = counter.commits - commits_before
    reads = counter.rollbacks - rollbacks_before
    rate = total_votes / total_time
    print(
        f"  overall: {total_votes:,} votes in {total_time:.2f} s = {rate:,.0f} votes/s; "
        f"{commits:,} write transactions, {reads:,} read transactions"
    )
    return rate


async def latency(
    core: Roundtable,
    voters: list[Actor],
    polls: list[tuple[int, str]],
    rate: float,
    seconds: float,
) -> tuple[list[float], float, float, float]:
    """Votes arrive on an open-loop schedule; measure each from its scheduled start.

    Args:
        core: The core under test.
        voters: Who votes, in turn.
        polls: (number, kind) of the open polls.
        rate: Votes a second offered.
        seconds: How long the schedule runs.

    Returns:
        The latencies in ms (sorted), the rate at which votes actually started, the
        rate at which they completed, and the worst start lag in ms.
    """
    rng = random.Random(SEED + 1)
    count = max(1, round(rate * seconds))
    loop = asyncio.get_running_loop()
    interval = 1.0 / rate
    # Plain lists of floats, and no list of tasks or prepared commands: the harness keeps
    # few objects alive, so that it does not lengthen the garbage collector's pauses.
    latencies = [0.0] * count
    started = [0.0] * count
    finished = [0.0] * count
    running: set[asyncio.Task[None]] = set()
    failures: list[BaseException] = []
    all_done = asyncio.Event()
    remaining = count

    def settle(task: asyncio.Task[None]) -> None:
        nonlocal remaining
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            failures.append(task.exception())
        remaining -= 1
        if remaining == 0:
            all_done.set()

    async def one_vote(index: int, due: float, command: CastVote) -> None:
        started[index] = loop.time()
        check_vote(await core.handle(command))
        finished[index] = loop.time()
        latencies[index] = (finished[index] - due) * 1000

    print(
        f"\n(b) latency: {count:,} votes offered at {rate:,.0f}/s for {seconds:g} s "
        "(open loop, timed from each vote's scheduled start)"
    )
    begin = loop.time() + 0.01
    for index in range(count):
        number, kind = polls[(index // len(voters)) % len(polls)]
        command = CastVote(voters[index % len(voters)], SPACE, number, choices_for(kind, rng))
        due = begin + index * interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one_vote(index, due, command))
        running.add(task)
        task.add_done_callback(settle)
    await all_done.wait()
    if failures:
        raise failures[0]
    span = max(started) - min(started)
    started_rate = (count - 1) / span if span > 0 else float("inf")
    completed_rate = count / (max(finished) - begin)
    lag_ms = max((s - (begin + i * interval)) * 1000 for i, s in enumerate(started))
    ordered = sorted(latencies)
    print(
        f"  started at {started_rate:,.0f} votes/s (worst start lag {lag_ms:.1f} ms), "
        f"completed at {completed_rate:,.0f} votes/s"
    )
    print(
        f"  p50 {percentile(ordered, 0.50):.1f} ms, p95 {percentile(ordered, 0.95):.1f} ms, "
        f"p99 {percentile(ordered, 0.99):.1f} ms, max {ordered[-1]:.1f} ms"
    )
    slow = Counter(
        round(i * interval, 1) for i, value in enumerate(latencies) if value >= P99_TARGET_MS
    )
    if slow:
        where = ", ".join(f"{second:.1f} s ({n})" for second, n in sorted(slow.most_common(6)))
        print(
            f"  {sum(slow.values()):,} votes took {P99_TARGET_MS:.0f} ms or more; "
            f"busiest 0.1 s windows after the start: {where}"
        )
    return ordered, started_rate, completed_rate, lag_ms


def raw_sqlite(path: Path, votes: int, voters: int, polls: int) -> float:
    """One vote = upsert a ballot row and a participation row, one COMMIT per vote.

    The tables have the store's shape (WITHOUT ROWID, unique (poll, tag)).

    Args:
        path: A new database file.
        votes: How many votes to write.
        voters: How many distinct voters they come from.
        polls: How many polls they go to.

    Returns:
        Votes a second.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE ballot (id TEXT PRIMARY KEY, poll_id INTEGER NOT NULL, "
            "voter_tag BLOB, voter_name TEXT, ballot TEXT NOT NULL, "
            "UNIQUE (poll_id, voter_tag)) WITHOUT ROWID"
        )
        conn.execute(
            "CREATE TABLE participation (poll_id INTEGER NOT NULL, member TEXT NOT NULL, "
            "PRIMARY KEY (poll_id, member)) WITHOUT ROWID"
        )
        tags = [secrets.token_bytes(32) for _ in range(voters)]
        start = time.perf_counter()
        for i in range(votes):
            voter, poll = i % voters, 1 + (i // voters) % polls
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO ballot (id, poll_id, voter_tag, voter_name, ballot) "
                "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (poll_id, voter_tag) "
                "DO UPDATE SET ballot = excluded.ballot, voter_name = excluded.voter_name",
                (secrets.token_hex(16), poll, tags[voter], f'{{"p":[{i % 4}]}}'),
            )
            conn.execute(
                "INSERT INTO participation (poll_id, member) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (poll, f"bench:bench-team:U{voter:05d}"),
            )
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
    finally:
        conn.close()
    rate = votes / elapsed
    print(
        f"\nraw sqlite3 baseline: {votes:,} votes, one COMMIT each, in {elapsed:.2f} s = "
        f"{rate:,.0f} votes/s"
    )
    return rate


async def run(options: Options, workdir: Path) -> int:
    """Run the three measurements and print the summary.

    Args:
        options: What to run.
        workdir: A temporary directory for the database files.

    Returns:
        0 if both targets were met, else 1.
    """
    if options.db:
        engine = make_engine(options.db)
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
    else:
        engine = make_engine(f"sqlite+aiosqlite:///{workdir / 'roundtable.db'}")
    print(f"store on {engine.dialect.name}")
    store = SqlStore(engine)
    await store.start()
    counter = TxCounter(store)
    core = Roundtable(store, SystemClock(), Keyring(secrets.token_bytes(32)), Settings())
    try:
        voters = make_voters(options.voters)
        polls = await set_up(core, voters)
        cap = await capacity(core, voters, polls, options.rounds, counter)
        ordered, _, completed_rate, _ = await latency(
            core, voters, polls, options.rate, options.seconds
        )
        eligible = await store.member_count(SPACE)
        for number, kind in polls:
            poll = await store.find_poll(SPACE, number)
            assert poll is not None
            voted = await store.voted_count(poll.id)
            if voted != options.voters:
                raise VoteFailed(f"{kind} poll #{number}: {voted} voted, expected {options.voters}")
        print(f"  check: every poll shows {options.voters:,} of {eligible:,} have voted")
    finally:
        await store.close()
    raw = raw_sqlite(workdir / "raw.db", options.raw_votes, options.voters, len(polls))

    p50, p99 = percentile(ordered, 0.50), percentile(ordered, 0.99)
    cap_ok = cap >= CAPACITY_TARGET
    lat_ok = p99 < P99_TARGET_MS
    print(
        "\nsummary"
        + (" (quick run: fewer voters and votes than the targets assume)" if options.quick else "")
    )
    print(
        f"capacity: {cap:,.0f} votes/s (target >= {CAPACITY_TARGET:,.0f}) "
        f"{'OK' if cap_ok else 'MISSED'}"
    )
    print(
        f"latency at {options.rate:,.0f} votes/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"(target p99 < {P99_TARGET_MS:.0f} ms; completed at {completed_rate:,.0f}/s) "
        f"{'OK' if lat_ok else 'MISSED'}"
    )
    print(f"raw sqlite3, one commit per vote: {raw:,.0f} votes/s; service/raw = {cap / raw:.1f}x")
    return 0 if cap_ok and lat_ok else 1


def main(argv: list[str] | None = None) -> int:
    """Print the machine, run the benchmark and judge it.

    Args:
        argv: Arguments without the program name; None reads ``sys.argv``.

    Returns:
        0 if both targets were met, 1 if one was missed, 2 if a vote failed.
    """
    logging.basicConfig(level=logging.WARNING)
    options = parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}")
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}, aiosqlite {aiosqlite.__version__}"
    )
    with tempfile.TemporaryDirectory(prefix="rt-bench-") as tmp:
        print(f"database files in {tmp}")
        try:
            return asyncio.run(run(options, Path(tmp)))
        except VoteFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
