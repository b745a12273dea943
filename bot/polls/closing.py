"""Closing polls: claim, count, log and shred — for one poll or a batch due together.

A burst of polls closing at the same minute (a weekly meeting across many spaces)
is closed with a few statements in all: one claim, one read of every ballot, one
read of the spaces' groups, and one transaction that logs every decision and
shreds every voter tag and salt. A single ``close`` is a batch of one, so both
paths are the same code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.context import Core
from bot.counting.outcome import rule_words
from bot.effects import Effect, Post, UpdatePost
from bot.i18n import current, public, space_languages, speaking
from bot.model import Actor, Decision, Opened, Outcome, Poll, PollStatus
from bot.polls.announce import OUTCOME, announce_job, answers_asked
from bot.polls.counter import Counter
from bot.polls.views import outcome_card, poll_card
from bot.timed_work import NewJob

log = logging.getLogger(__name__)

#: A closing claimed this long ago and not finished was left by a process that stopped.
CLOSING_LEASE = timedelta(minutes=5)

#: Per poll: its announcements, [] when another process won the closing, or the error.
Closed = dict[int, list[Effect] | Exception]


def decision_of(poll: Poll, outcome: Outcome, status: PollStatus, now: datetime) -> Decision:
    """The decision-log entry for an ended poll."""
    return Decision(
        space=poll.space, poll_number=poll.number, question=poll.spec.question,
        kind=poll.spec.kind, method=poll.spec.method, rule=rule_words(poll.spec),
        options=poll.spec.options, status=status, outcome=outcome,
        opened_at=poll.created_at, closed_at=now, anonymous=poll.spec.anonymous)


async def close_polls(core: Core, polls: Sequence[Poll], now: datetime,
                      by: Actor | None = None) -> Closed:
    """Close polls (not ideas rounds): stop their votes, count, log, shred; announce.

    Args:
        core: The service.
        polls: The polls to close; each must be OPEN, or CLOSING with a stale claim.
        now: The time now.
        by: Who closed them, or None when their timers did. A timer closing takes only
            polls whose closing time has come (checked atomically, so an ``extend`` just
            made anywhere wins), and dates each decision at its poll's closing time.
    """
    store = core.store
    won = await store.claim_closes([poll.id for poll in polls], now, now - CLOSING_LEASE,
                                   due_by=now if by is None else None)
    closed: Closed = {poll.id: [] for poll in polls}
    taken = [poll for poll in polls if poll.id in won]
    if not taken:
        return closed
    eligible = await store.member_counts([poll.space for poll in taken])
    opened: dict[int, Opened] = {}
    # The decision log keeps one wording: the space's language, whoever closed the poll.
    # A bilingual space's outcome post also gets the count in its other language.
    languages = space_languages()
    versions: dict[int, dict[str, Outcome]] = {}
    with speaking(languages[0]):
        outcomes = await Counter(core).count_many(taken, eligible, closing=True, opened=opened,
                                                  also_in=languages[1:], versions=versions)
    decisions: dict[int, tuple[Poll, Decision, Outcome]] = {}
    for poll in taken:
        outcome = outcomes[poll.id]
        if isinstance(outcome, Exception):
            # A timer's closing is left CLOSING: its job fails and is retried once the
            # claim has gone stale. One asked for by a person goes back to OPEN, so that
            # they can try again (no vote was taken in between: nothing is lost).
            closed[poll.id] = outcome
            if by is not None:
                await store.release_closes([poll.id])
            continue
        at = now
        if by is None and poll.spec.closes_at is not None:
            # Closed by its timer: votes stopped at the closing time, even if the count ran later.
            at = min(now, poll.spec.closes_at)
        with speaking(languages[0]):
            decision = decision_of(poll, outcome, PollStatus.CLOSED, at)
        decisions[poll.id] = (poll, decision, outcome)
    # A closing by hand has no job of its own to retry its announcement: it gets a check
    # (bot.polls.announce) in the closing transaction. A timer's CLOSE job does that itself.
    checks = [announce_job(OUTCOME, now)] if by is not None else []
    finished = await _finish(core, [(pid, d) for pid, (_, d, _) in decisions.items()], opened,
                             checks, closed)
    waiting = [decisions[pid][0].creator for pid in finished if decisions[pid][2].awaiting]
    readers = await core.languages_of(waiting) if waiting else {}
    for poll_id in finished:
        poll, decision, outcome = decisions[poll_id]
        ended = replace(poll, status=PollStatus.CLOSED, closed_at=decision.closed_at)
        closed[poll_id] = _announced(core, ended, outcome, versions.get(poll_id, {}),
                                     eligible[poll.space.key])
        with speaking(readers.get(poll.creator)):
            closed[poll_id] += answers_asked(ended, outcome)
    return closed


def _announced(core: Core, ended: Poll, outcome: Outcome, written: dict[str, Outcome],
               eligible: int) -> list[Effect]:
    """An ended poll's outcome post and its updated card, in the space's language(s);
    ``written`` has the outcome in the space's other language, if it has one."""
    tz = core.zone_of(ended.space)
    return [
        Post(ended.space, public(lambda: outcome_card(ended, written.get(current(), outcome))),
             key=f"outcome:{ended.id}"),
        UpdatePost(ended.space, f"poll:{ended.id}",
                   public(lambda: poll_card(ended, outcome.voted, eligible, tz))),
    ]


async def _finish(core: Core, decisions: list[tuple[int, Decision]],
                  opened: dict[int, Opened], jobs: list[NewJob], closed: Closed) -> set[int]:
    """Write the decisions in one transaction; if that fails, poll by poll, so that one
    bad poll does not hold back the rest. Errors are recorded in ``closed``.

    ``jobs`` go with each closing, e.g. the check that its outcome was posted
    (``bot.polls.announce``): a process that stops between this commit and the post leaves the
    post to that job.
    """
    if not decisions:
        return set()
    try:
        return await core.store.finish_closes(decisions, opened, jobs)
    except Exception as error:
        if len(decisions) == 1:
            closed[decisions[0][0]] = error
            return set()
        log.warning("closing %s polls together failed (%s); closing them one by one",
                    len(decisions), type(error).__name__)
    finished: set[int] = set()
    for poll_id, decision in decisions:
        try:
            finished |= await core.store.finish_closes([(poll_id, decision)], opened, jobs)
        except Exception as error:
            closed[poll_id] = error
    return finished

