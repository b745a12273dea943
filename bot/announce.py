"""Announcements that must not be lost: a new poll's card and an ended poll's outcome.

What the core decides to post is recorded as an ``ANNOUNCE`` job in the same
transaction as the change that caused it (the poll's creation, its closing), due a
little later. The post is tried at once as well (the card comes back from the command,
the outcome from the closing job). When the job runs it checks the stored post
reference: if the message is there, it is done; if not (the post failed, or the
process stopped between the commit and the send), it posts now, from the database,
and is retried with back-off when the platform still refuses. When it has tried for
the whole back-off and the card still cannot be posted, the person who started the
poll is told so, truthfully, in a private message. See docs/timing.md.

Nothing stored for delivery pairs a person with a choice: the job holds only the
poll's id and what to announce; the card is built from the poll when it runs.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.ballots import vote_example
from bot.cards import Card, Note, Text, Tone
from bot.effects import DirectMessage, Effect, Post
from bot.model import Poll, PollKind, PollStatus
from bot.timed_work import Job, JobKind, NewJob
from bot.views import outcome_card, poll_card

if TYPE_CHECKING:
    from bot.service import Roundtable

#: How long after the change the check runs: time for the first, direct try to land
#: and remember where it posted.
GRACE = timedelta(seconds=30)
POLL, OUTCOME = "poll", "outcome"


def announce_job(what: str, at: datetime) -> NewJob:
    """The job that checks, at ``at`` plus the grace, that ``what`` was posted."""
    return NewJob(JobKind.ANNOUNCE, at + GRACE, data=json.dumps({"what": what}))


def poll_key(poll: Poll) -> str:
    """The post key of a poll's card."""
    return f"poll:{poll.id}"


def outcome_key(poll: Poll) -> str:
    """The post key of a poll's outcome."""
    return f"outcome:{poll.id}"


def wanted_key(job: Job, poll: Poll | None) -> tuple[str, str] | None:
    """The (post key, platform) an ANNOUNCE job makes sure of, if it has a poll."""
    if poll is None:
        return None
    what = json.loads(job.data or "{}").get("what")
    key = outcome_key(poll) if what == OUTCOME else poll_key(poll)
    return key, poll.space.platform


async def announce(core: Roundtable, job: Job, poll: Poll | None, last_try: bool,
                   posted: set[tuple[str, str]]) -> list[Effect]:
    """What an ANNOUNCE job should post now: nothing if it is in ``posted`` (on record)."""
    if poll is None or wanted_key(job, poll) in posted:
        return []
    what = json.loads(job.data or "{}").get("what")
    platform = poll.space.platform
    if what == OUTCOME:
        if poll.status is not PollStatus.CLOSED:
            return []
        decision = await core.decision_for(poll)
        if decision is None:
            return []
        return [Post(poll.space, outcome_card(poll, decision.outcome), key=outcome_key(poll))]
    if what != POLL or not poll.is_open:
        return []
    if last_try:
        # It has been tried for the whole back-off: say so to whoever started it, rather
        # than try once more and leave them thinking the channel has seen it.
        return [DirectMessage(platform, poll.creator, not_posted_card(poll))]
    voted = await core.store.voted_count(poll.id)
    eligible = await core.store.member_count(poll.space)
    return [Post(poll.space, poll_card(poll, voted, eligible, core.zone_of(poll.space)),
                 key=poll_key(poll))]


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


def not_posted_card(poll: Poll) -> Card:
    """The private, truthful message when a poll's card could never be posted."""
    kind = "proposal" if poll.spec.kind is PollKind.CONSENT else "poll"
    return Card(
        title=f"I could not post your {kind} {poll.ref} in #{poll.space.channel}",
        lines=(
            Text(f"I tried for about 40 minutes, and the channel would not take the message. "
                 f"Your {kind} is saved and open: people can still vote with "
                 f"{vote_example(poll.spec, poll.ref)}"),
            Text("To fix it, add Roundtable to the channel (on Slack: /invite @Roundtable; on "
                 "Discord: give its role View Channel and Send Messages there), then type "
                 f"polls there. Or end it with cancel {poll.ref}."),
            Note("Only you got this message."),
        ),
    )
