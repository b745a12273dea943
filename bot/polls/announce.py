"""Announcements that must not be lost: a new poll's card, an ended poll's outcome, and
the proposer's answers to reasons.

What the core decides to post is recorded as an ``ANNOUNCE`` job in the same
transaction as the change that caused it (the poll's creation, its closing, an answer),
due a little later. The post is tried at once as well (the card and the answers come
back from the command, the outcome from the closing job). When the job runs it checks
the stored post reference: if the message is there, it is done; if not (the post
failed, or the process stopped between the commit and the send), it posts now, from the
database, and is retried with back-off when the platform still refuses. When it has
tried for the whole back-off and the channel still refuses, the person who started the
poll is told so, truthfully, in a private message (``undelivered``). See docs/timing.md.

Nothing stored for delivery pairs a person with a choice: the job holds only the
poll's id, what to announce and, for answers, the reasons' numbers; the message is built
from the poll and its logged outcome when it runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.cards import Card, Items, Note, Text, Tone
from bot.context import Core
from bot.effects import DirectMessage, Effect, Post
from bot.model import Outcome, Poll, PollKind, PollStatus
from bot.polls.ballots import vote_example
from bot.polls.views import outcome_card, poll_card, reason_line
from bot.timed_work import Job, JobKind, NewJob

#: How long after the change the check runs: time for the first, direct try to land
#: and remember where it posted.
GRACE = timedelta(seconds=30)
POLL, OUTCOME, ANSWER, FOLLOW_UP = "poll", "outcome", "answer", "follow-up"


def announce_job(what: str, at: datetime, poll_id: int | None = None,
                 numbers: Sequence[int] = (), final: bool = False) -> NewJob:
    """The job that checks, at ``at`` plus the grace, that ``what`` was posted.

    For ``ANSWER``: ``numbers`` are the reasons answered, and ``final`` says the answer
    made the proposal final (so its final outcome is posted too).
    """
    data: dict[str, object] = {"what": what}
    if what == ANSWER:
        data.update(numbers=sorted(numbers), final=final)
    elif what == FOLLOW_UP:
        data.update(numbers=sorted(numbers))
    return NewJob(JobKind.ANNOUNCE, at + GRACE, poll_id=poll_id, data=json.dumps(data))


def poll_key(poll: Poll) -> str:
    """The post key of a poll's card."""
    return f"poll:{poll.id}"


def outcome_key(poll: Poll) -> str:
    """The post key of a poll's outcome."""
    return f"outcome:{poll.id}"


def answer_key(poll: Poll, numbers: Sequence[int]) -> str:
    """The post key of the proposer's answer to the reasons ``numbers``."""
    return f"answer:{poll.id}:{'-'.join(str(n) for n in sorted(numbers))}"


def follow_up_key(poll: Poll, number: int) -> str:
    """The post key of the ``number``-th follow-up of a decision (from 1)."""
    return f"follow-up:{poll.id}:{number}"


def final_key(poll: Poll) -> str:
    """The post key of a proposal's outcome once its last reason is answered."""
    return f"final:{poll.id}"


def _data(job: Job) -> dict:
    return json.loads(job.data or "{}")


def wanted_keys(job: Job, poll: Poll | None) -> list[tuple[str, str]]:
    """The (post key, platform) pairs an ANNOUNCE job makes sure of."""
    if poll is None:
        return []
    data = _data(job)
    what = data.get("what")
    if what == OUTCOME:
        keys = [outcome_key(poll)]
    elif what == ANSWER:
        keys = [answer_key(poll, data.get("numbers", []))]
        keys += [final_key(poll)] if data.get("final") else []
    elif what == FOLLOW_UP:
        keys = [follow_up_key(poll, n) for n in data.get("numbers", [])]
    else:
        keys = [poll_key(poll)]
    return [(key, poll.space.platform) for key in keys]


def answers_card(poll: Poll, outcome: Outcome, numbers: Sequence[int]) -> Card:
    """The public post of the proposer's answers to the reasons ``numbers``."""
    answered = dict(outcome.responses)
    items = tuple(reason_line(*outcome.reasons[n - 1], answered[n]) for n in numbers)
    return Card(title=f"An answer on {poll.ref}: {poll.spec.question}",
                lines=(Items(items),))


def follow_up_card(poll: Poll, day: str, text: str) -> Card:
    """The public post of what was done after a decision."""
    return Card(title=f"What happened after {poll.ref}: {poll.spec.question}",
                lines=(Text(text), Note(f"Recorded on {day}. It is kept in the decision log: "
                                        f"decisions {poll.ref}")))


def final_card(poll: Poll, outcome: Outcome) -> Card:
    """The outcome of a proposal once its last reason has an answer."""
    card = outcome_card(poll, outcome)
    return replace(card, title=f"Now final — outcome of {poll.ref}: {poll.spec.question}")


async def outcome_post(core: Core, poll: Poll) -> list[Effect]:
    """The post of an ended poll's outcome, from the decision log (none if not logged)."""
    decision = await core.decision_for(poll)
    if decision is None:
        return []
    return [Post(poll.space, outcome_card(poll, decision.outcome), key=outcome_key(poll))]


async def announce(core: Core, job: Job, poll: Poll | None,
                   posted: set[tuple[str, str]]) -> list[Effect]:
    """What an ANNOUNCE job should post now: only what is not in ``posted`` (on record)."""
    keys = wanted_keys(job, poll)
    if poll is None or all(key in posted for key in keys):
        return []
    data = _data(job)
    what = data.get("what")
    if what in (OUTCOME, ANSWER, FOLLOW_UP):
        if poll.status is not PollStatus.CLOSED:
            return []
        if what == OUTCOME:
            return await outcome_post(core, poll)
        decision = await core.decision_for(poll)
        if decision is None:
            return []
        outcome = decision.outcome
        if what == FOLLOW_UP:
            return [Post(poll.space, follow_up_card(poll, *outcome.follow_ups[n - 1]),
                         key=follow_up_key(poll, n))
                    for n in data.get("numbers", []) if 1 <= n <= len(outcome.follow_ups)
                    and (follow_up_key(poll, n), poll.space.platform) not in posted]
        numbers = [n for n in data.get("numbers", []) if 1 <= n <= len(outcome.reasons)
                   and n in dict(outcome.responses)]
        wanted: list[Effect] = []
        if numbers and (answer_key(poll, numbers), poll.space.platform) not in posted:
            wanted.append(Post(poll.space, answers_card(poll, outcome, numbers),
                               key=answer_key(poll, numbers)))
        if data.get("final") and (final_key(poll), poll.space.platform) not in posted:
            wanted.append(Post(poll.space, final_card(poll, outcome), key=final_key(poll)))
        return wanted
    if what != POLL or not poll.is_open:
        return []
    voted = await core.store.voted_count(poll.id)
    eligible = await core.store.member_count(poll.space)
    return [Post(poll.space, poll_card(poll, voted, eligible, core.zone_of(poll.space)),
                 key=poll_key(poll))]


async def undelivered(core: Core, job: Job, poll: Poll | None) -> list[Effect]:
    """What to tell, privately, once a job has been given up on: the truth about what the
    channel never got. Nothing when it did get it after all, or there is no one to tell.

    An ANNOUNCE job's card, outcome or answer, and a CLOSE job's outcome, are reported to
    the poll's creator (who started it, and who is told to fix the channel).
    """
    if poll is None:
        return []
    if job.kind is JobKind.CLOSE:
        if poll.status is not PollStatus.CLOSED:
            return []
        keys = [(outcome_key(poll), poll.space.platform)]
        what = OUTCOME
    elif job.kind is JobKind.ANNOUNCE:
        keys = wanted_keys(job, poll)
        what = _data(job).get("what")
    else:
        return []
    posted = await core.store.posted(keys)
    if all(key in posted for key in keys):
        return []
    if what == POLL:
        if not poll.is_open:
            return []
        return [DirectMessage(poll.space.platform, poll.creator, not_posted_card(poll))]
    return [DirectMessage(poll.space.platform, poll.creator, not_announced_card(poll, what))]


def answers_asked(poll: Poll, outcome: Outcome) -> list[Effect]:
    """At close: privately ask the proposer for the answers the outcome waits for."""
    if not outcome.awaiting:
        return []
    ref = poll.ref
    return [DirectMessage(poll.space.platform, poll.creator, Card(
        title=f"Your proposal {ref} is waiting for your answers",
        lines=(Text(f"{poll.spec.question} — it is final only once you answer each reason "
                    f"given with a block or disagreement ({outcome.awaiting} to answer)."),
               Text(f"Read them with results {ref}, then answer each by its number: "
                    f'respond {ref} 1 "what we changed". Answers are posted and logged, '
                    "without names.")),
        tone=Tone.WARNING))]


def not_posted_yet(confirmation: Card) -> Card:
    """What the person who started a poll is told instead of ``confirmation`` ("Your poll
    #3 is up") when its card could not be posted just now: the truth, and what happens
    next. The poll is saved and open; the ANNOUNCE job keeps trying."""
    return Card(
        title=confirmation.title.replace(" is up", " is saved, but not posted yet"),
        lines=(
            Text("I could not post it in the channel just now. I will try again in a "
                 "minute, and keep trying for about 40 minutes. If it never works, I will "
                 "tell you in a private message. People can already vote with the vote "
                 "command."),
            Note("Do not start it again: that would make a second poll."),
        ),
        tone=Tone.WARNING,
    )


def answer_not_posted_yet(ref: str, what: str = "answer", creator: bool = True) -> Card:
    """What someone is told when the post of their ``what`` ("answer", "follow-up") on
    ``ref`` failed just now. If it never works, the poll's creator is told (``undelivered``):
    "you" only when that is them."""
    told = "you" if creator else f"the person who started {ref}"
    return Card(
        title=f"Your {what} is saved, but not posted yet",
        lines=(Text(f"It is kept in the decision log of {ref}. I could not post it in the "
                    f"channel just now. I will keep trying for about 40 minutes, and tell {told} "
                    "in a private message if it never works."),
               Note("Do not send it again: it is saved.")),
        tone=Tone.WARNING,
    )


_FIX = ("To fix it, add Roundtable to the channel (on Slack: /invite @Roundtable; on "
        "Discord: give its role View Channel and Send Messages there).")


def not_posted_card(poll: Poll) -> Card:
    """The private, truthful message when a poll's card could never be posted."""
    kind = "proposal" if poll.spec.kind is PollKind.CONSENT else "poll"
    return Card(
        title=f"I could not post your {kind} {poll.ref} in #{poll.space.channel}",
        lines=(
            Text(f"I tried for about 40 minutes, and the channel would not take the message. "
                 f"Your {kind} is saved and open: people can still vote with "
                 f"{vote_example(poll.spec, poll.ref)}"),
            Text(f"{_FIX} Then type polls there. Or end it with cancel {poll.ref}."),
            Note("Only you got this message."),
        ),
    )


def not_announced_card(poll: Poll, what: str) -> Card:
    """The private, truthful message when an outcome or an answer could never be posted."""
    kind = "proposal" if poll.spec.kind is PollKind.CONSENT else "poll"
    thing = {ANSWER: "your answer on", FOLLOW_UP: "the follow-up to"}.get(what, "the outcome of")
    return Card(
        title=f"I could not post {thing} your {kind} {poll.ref} in #{poll.space.channel}",
        lines=(
            Text("I tried for about 40 minutes, and the channel would not take the message. "
                 f"It is saved in the decision log: anyone can read it with results "
                 f"{poll.ref}."),
            Text(f"{_FIX} Then you could post it there yourself."),
            Note("Only you got this message."),
        ),
        tone=Tone.WARNING,
    )
