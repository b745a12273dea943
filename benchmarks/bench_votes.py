"""Time the vote path through the real core and SQLite store, against raw sqlite3.

Run from the repository root::

    python benchmarks/bench_votes.py            # full run (about half a minute)
    python benchmarks/bench_votes.py --quick    # short smoke run
    python benchmarks/bench_votes.py --db postgresql+asyncpg://user@host/db   # PostgreSQL
    python benchmarks/bench_votes.py --db postgresql+asyncpg://user@host/db --processes 2

With ``--db`` the store runs on that database instead of a temporary SQLite file.
**Every Roundtable table in it is dropped first**: give it a throwaway database.

With ``--processes N`` (N > 1, PostgreSQL only) setup runs in this process, then the
capacity and latency runs split the voters across N OS processes (multiprocessing,
spawn start method), each with its own ``SqlStore`` and ``Roundtable`` on the same
database and the same secret. The processes start each round and the latency schedule
at one shared moment; the latency run offers ``--rate / N`` votes a second from each,
interleaved, and their latencies are merged. Capacity is the total votes over the wall
time from the shared start to the last process's finish (the sum of each process's own
rate is printed too). At the end a fresh store checks that every poll shows every voter,
with one ballot and one participation row each.

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
import multiprocessing
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
from typing import Any

# Let the script run as a plain file without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
import sqlalchemy
from sqlalchemy import event
from sqlmodel import SQLModel

from bot.anonymity import Keyring
from bot.commands import CastVote, CreatePoll, MembersSeen
from bot.effects import DirectMessage, Effect, Reply, UpdatePost
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
    processes: int = 1


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


def quiet(*_args: object, **_kwargs: object) -> None:
    """Print nothing: a worker process's ``print``."""


class Sync:
    """Shared start moments for the worker processes, one per run.

    The first worker sets each moment (``time.monotonic``, one clock for the whole
    machine on Linux, and the event loop's clock) before it waits at the barrier; every
    worker reads it once the barrier lets them all go.

    Args:
        barrier: A barrier for all the workers.
        moments: Shared doubles, one per run.
        first: Whether this worker sets the moments.
    """

    def __init__(self, barrier: Any, moments: Any, first: bool) -> None:
        self.barrier, self.moments, self.first = barrier, moments, first
        self.used = 0

    def start(self, delay: float = 0.2) -> float:
        """Wait for every worker; the moment, ``delay`` s after the first one got here,
        at which the next run starts."""
        slot, self.used = self.used, self.used + 1
        if self.first:
            self.moments[slot] = time.monotonic() + delay
        self.barrier.wait()
        return float(self.moments[slot])


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
        help="database URL to run on instead of a temporary SQLite file, e.g. "
        "postgresql+asyncpg://user@host/db. WARNING: EVERY ROUNDTABLE TABLE IN IT IS DROPPED "
        "FIRST (the database is wiped): give it a throwaway database",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="OS processes the voters are split across for the capacity and latency runs "
        "(1; more needs a PostgreSQL --db)",
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
    if args.processes < 1 or args.processes > args.voters:
        parser.error("--processes must be between 1 and --voters")
    if args.processes > 1 and not (args.db or "").startswith("postgresql"):
        parser.error("--processes above 1 needs a PostgreSQL --db (a SQLite file takes one "
                     "writer at a time)")
    return Options(args.voters, args.seconds, args.rate, args.rounds, args.raw_votes, args.quick,
                   args.db, args.processes)


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
    # A person's first vote also brings the one private question about payments.
    shown = [e for e in effects if not isinstance(e, DirectMessage)]
    if (
        isinstance(first, Reply)
        and first.card.title.startswith("Your vote")
        and len(shown) == 2
        and isinstance(shown[1], UpdatePost)
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
        reply = next((e for e in effects if isinstance(e, Reply)), None)
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
    sync: Sync | None = None,
    rounds_out: list[tuple[float, float, int, int]] | None = None,
) -> float:
    """Everyone votes as fast as the store allows; print per-round and overall figures.

    Args:
        core: The core under test.
        voters: The voters; each gets one task per round.
        polls: (number, kind) of the open polls.
        rounds: How many times each voter votes on every poll.
        counter: Counts the store's transactions.
        sync: In a worker process: start each round at the moment shared with the other
            workers, and print nothing.
        rounds_out: Gets (start, end, votes, write transactions) of each round, in
            ``time.monotonic`` seconds.

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

    say = print if sync is None else quiet
    say(
        f"\n(a) capacity: {len(voters):,} voters at once, each voting on {len(polls)} polls "
        f"in turn, {rounds} round(s)"
    )
    total_votes = 0
    total_time = 0.0
    commits_before, rollbacks_before = counter.snapshot()
    for number, commands in enumerate(plan, start=1):
        commits, _ = counter.snapshot()
        if sync is not None:
            shared = sync.start()
            await asyncio.sleep(max(0.0, shared - time.monotonic()))
        begun, start = time.monotonic(), time.perf_counter()
        await asyncio.gather(*(one_voter(per_voter) for per_voter in commands))
        elapsed = time.perf_counter() - start
        votes = sum(len(per_voter) for per_voter in commands)
        total_votes += votes
        total_time += elapsed
        batches = counter.commits - commits
        if rounds_out is not None:
            rounds_out.append((begun, begun + elapsed, votes, batches))
        what = "first votes" if number == 1 else "replacing votes"
        say(
            f"  round {number} ({what}): {votes:,} votes in {elapsed:.2f} s = "
            f"{votes / elapsed:,.0f} votes/s; {batches:,} write transactions "
            f"(~{votes / max(batches, 1):.0f} votes each)"
        )
    commits = counter.commits - commits_before
    reads = counter.rollbacks - rollbacks_before
    rate = total_votes / total_time
    say(
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
    sync: Sync | None = None,
    offset: float = 0.0,
    span_out: list[float] | None = None,
) -> tuple[list[float], float, float, float]:
    """Votes arrive on an open-loop schedule; measure each from its scheduled start.

    Args:
        core: The core under test.
        voters: Who votes, in turn.
        polls: (number, kind) of the open polls.
        rate: Votes a second offered.
        seconds: How long the schedule runs.
        sync: In a worker process: start the schedule at the moment shared with the
            other workers, plus ``offset`` seconds, and print nothing.
        offset: See ``sync``.
        span_out: Gets the schedule's start, the first and last actual starts and the
            last finish, in ``time.monotonic`` seconds (the event loop's clock).

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

    say = print if sync is None else quiet
    say(
        f"\n(b) latency: {count:,} votes offered at {rate:,.0f}/s for {seconds:g} s "
        "(open loop, timed from each vote's scheduled start)"
    )
    begin = loop.time() + 0.01 if sync is None else sync.start() + offset
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
    if span_out is not None:
        span_out += [begin, min(started), max(started), max(finished)]
    say(
        f"  started at {started_rate:,.0f} votes/s (worst start lag {lag_ms:.1f} ms), "
        f"completed at {completed_rate:,.0f} votes/s"
    )
    say(
        f"  p50 {percentile(ordered, 0.50):.1f} ms, p95 {percentile(ordered, 0.95):.1f} ms, "
        f"p99 {percentile(ordered, 0.99):.1f} ms, max {ordered[-1]:.1f} ms"
    )
    slow = Counter(
        round(i * interval, 1) for i, value in enumerate(latencies) if value >= P99_TARGET_MS
    )
    if slow:
        where = ", ".join(f"{second:.1f} s ({n})" for second, n in sorted(slow.most_common(6)))
        say(
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


async def worker(index: int, options: Options, secret: bytes, polls: list[tuple[int, str]],
                 sync: Sync) -> dict[str, Any]:
    """One worker process's share of the capacity and latency runs, on its own store.

    Args:
        index: Which worker (0 to ``options.processes - 1``); it takes every
            ``processes``-th voter from this one.
        options: What to run.
        secret: The secret every process's ``Keyring`` is made from.
        polls: (number, kind) of the polls setup opened.
        sync: The shared start of each run.

    Returns:
        Its figures: capacity rounds, sorted latencies, the latency run's span, and its
        transaction counts.
    """
    assert options.db is not None
    store = SqlStore(make_engine(options.db))
    await store.start()
    counter = TxCounter(store)
    core = Roundtable(store, SystemClock(), Keyring(secret), Settings())
    voters = make_voters(options.voters)[index :: options.processes]
    rounds: list[tuple[float, float, int, int]] = []
    span: list[float] = []
    try:
        await capacity(core, voters, polls, options.rounds, counter, sync, rounds)
        ordered, _, _, _ = await latency(core, voters, polls, options.rate / options.processes,
                                         options.seconds, sync, index / options.rate, span)
    finally:
        await store.close()
    return {"rounds": rounds, "latencies": ordered, "span": span, "voters": len(voters),
            "transactions": counter.snapshot()}


def worker_process(index: int, options: Options, secret: bytes, polls: list[tuple[int, str]],
                   barrier: Any, moments: Any, results: Any) -> None:
    """The body of a worker process (spawned): run ``worker``, put its figures on the queue."""
    logging.basicConfig(level=logging.WARNING)
    try:
        figures = asyncio.run(worker(index, options, secret, polls,
                                     Sync(barrier, moments, index == 0)))
    except BaseException as failure:  # reported to the parent, which fails
        barrier.abort()
        results.put((index, {"error": f"{type(failure).__name__}: {failure}"}))
        return
    results.put((index, figures))


def across_processes(
    options: Options, secret: bytes, polls: list[tuple[int, str]]
) -> tuple[float, list[float], float]:
    """The capacity and latency runs split over ``options.processes`` spawned processes.

    Args:
        options: What to run.
        secret: The secret of the ``Keyring`` setup used.
        polls: (number, kind) of the polls setup opened.

    Returns:
        Capacity (votes over wall time, all rounds), the merged latencies in ms (sorted),
        and the rate at which the latency run's votes completed.
    """
    count = options.processes
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count)
    moments = context.Array("d", options.rounds + 1)
    results = context.Queue()
    processes = [
        context.Process(target=worker_process,
                        args=(index, options, secret, polls, barrier, moments, results))
        for index in range(count)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    figures: dict[int, dict[str, Any]] = {}
    try:
        for _ in processes:
            index, found = results.get(timeout=600 + options.seconds * 2)
            figures[index] = found
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
    errors = [f"worker {i}: {f['error']}" for i, f in sorted(figures.items()) if "error" in f]
    if errors:
        raise VoteFailed("; ".join(errors))
    workers = [figures[i] for i in range(count)]
    print(f"\n{count} worker processes (spawn), {' + '.join(str(w['voters']) for w in workers)} "
          f"voters, each with its own SqlStore and Roundtable; all done "
          f"{time.perf_counter() - started:.1f} s after spawning")

    print(f"\n(a) capacity: {options.voters:,} voters at once across {count} processes, each "
          f"voting on {len(polls)} polls in turn, {options.rounds} round(s)")
    total_votes, total_time = 0, 0.0
    for number in range(options.rounds):
        rounds = [w["rounds"][number] for w in workers]
        begin, end = min(r[0] for r in rounds), max(r[1] for r in rounds)
        votes, batches = sum(r[2] for r in rounds), sum(r[3] for r in rounds)
        total_votes, total_time = total_votes + votes, total_time + (end - begin)
        own = ", ".join(f"{r[1] - r[0]:.2f}" for r in rounds)
        what = "first votes" if number == 0 else "replacing votes"
        print(f"  round {number + 1} ({what}): {votes:,} votes in {end - begin:.2f} s = "
              f"{votes / (end - begin):,.0f} votes/s (processes took {own} s); {batches:,} "
              f"write transactions (~{votes / max(batches, 1):.0f} votes each)")
    summed = sum(sum(r[2] for r in w["rounds"]) / sum(r[1] - r[0] for r in w["rounds"])
                 for w in workers)
    cap = total_votes / total_time
    commits = sum(r[3] for w in workers for r in w["rounds"])
    print(f"  overall: {total_votes:,} votes in {total_time:.2f} s = {cap:,.0f} votes/s "
          f"(sum of each process's own rate: {summed:,.0f} votes/s); {commits:,} write "
          "transactions")

    latencies = sorted(value for w in workers for value in w["latencies"])
    spans = [w["span"] for w in workers]
    begin = min(s[0] for s in spans)
    first, last, finish = min(s[1] for s in spans), max(s[2] for s in spans), \
        max(s[3] for s in spans)
    started_rate = (len(latencies) - 1) / (last - first) if last > first else float("inf")
    completed_rate = len(latencies) / (finish - begin)
    print(f"\n(b) latency: {len(latencies):,} votes offered at {options.rate:,.0f}/s for "
          f"{options.seconds:g} s, {options.rate / count:,.0f}/s from each process, interleaved "
          "(open loop, timed from each vote's scheduled start)")
    print(f"  started at {started_rate:,.0f} votes/s, completed at {completed_rate:,.0f} votes/s")
    print(f"  p50 {percentile(latencies, 0.50):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
          f"p99 {percentile(latencies, 0.99):.1f} ms, max {latencies[-1]:.1f} ms")
    for index, w in enumerate(workers):
        own = w["latencies"]
        print(f"  process {index}: p50 {percentile(own, 0.50):.1f} ms, "
              f"p99 {percentile(own, 0.99):.1f} ms, max {own[-1]:.1f} ms")
    return cap, latencies, completed_rate


async def check_once(store: SqlStore, polls: list[tuple[int, str]], voters: int) -> None:
    """Every poll has exactly one ballot and one participation row per voter.

    Raises:
        VoteFailed: A poll with more or fewer.
    """
    async with store.engine.connect() as conn:
        for table, who in (("ballot", "voter_tag"), ("participation", "member")):
            rows = (await conn.exec_driver_sql(
                f"SELECT poll_id, count(*), count(DISTINCT {who}) FROM {table} GROUP BY poll_id"
            )).all()
            found = {poll_id: (rows_, distinct) for poll_id, rows_, distinct in rows}
            for number, kind in polls:
                poll = await store.find_poll(SPACE, number)
                assert poll is not None
                if found.get(poll.id) != (voters, voters):
                    raise VoteFailed(f"{kind} poll #{number}: {found.get(poll.id)} {table} rows "
                                     f"(rows, distinct), expected {voters} of each")
    print(f"  check: every poll has {voters:,} ballots from {voters:,} distinct voters, and "
          f"{voters:,} participation rows")


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
    secret = secrets.token_bytes(32)
    core = Roundtable(store, SystemClock(), Keyring(secret), Settings())
    try:
        voters = make_voters(options.voters)
        polls = await set_up(core, voters)
        if options.processes == 1:
            cap = await capacity(core, voters, polls, options.rounds, counter)
            ordered, _, completed_rate, _ = await latency(
                core, voters, polls, options.rate, options.seconds
            )
        else:
            # Setup's writes are all in before the workers start; a fresh store checks.
            await store.close()
            assert options.db is not None
            try:
                cap, ordered, completed_rate = await asyncio.to_thread(
                    across_processes, options, secret, polls
                )
            finally:
                store = SqlStore(make_engine(options.db))
                await store.start()
            await check_once(store, polls, options.voters)
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
