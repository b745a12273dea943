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
from bot.i18n import N_, _, ngettext, public, speaking
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
    return Card(title=_("An answer on {ref}: {question}").format(ref=poll.ref,
                                                                 question=poll.spec.question),
                lines=(Items(items),))


def follow_up_card(poll: Poll, day: str, text: str) -> Card:
    """The public post of what was done after a decision."""
    return Card(title=_("What happened after {ref}: {question}").format(
                    ref=poll.ref, question=poll.spec.question),
                lines=(Text(text), Note(_("Recorded on {day}. It is kept in the decision log: "
                                          "decisions {ref}").format(day=day, ref=poll.ref))))


def final_card(poll: Poll, outcome: Outcome) -> Card:
    """The outcome of a proposal once its last reason has an answer."""
    card = outcome_card(poll, outcome)
    return replace(card, title=_("Now final — outcome of {ref}: {question}").format(
        ref=poll.ref, question=poll.spec.question))


async def outcome_post(core: Core, poll: Poll) -> list[Effect]:
    """The post of an ended poll's outcome, from the decision log (none if not logged)."""
    decision = await core.decision_for(poll)
    if decision is None:
        return []
    return [Post(poll.space, public(lambda: outcome_card(poll, decision.outcome)),
                 key=outcome_key(poll))]


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
            return [Post(poll.space, public(lambda n=n: follow_up_card(
                             poll, *outcome.follow_ups[n - 1])), key=follow_up_key(poll, n))
                    for n in data.get("numbers", []) if 1 <= n <= len(outcome.follow_ups)
                    and (follow_up_key(poll, n), poll.space.platform) not in posted]
        numbers = [n for n in data.get("numbers", []) if 1 <= n <= len(outcome.reasons)
                   and n in dict(outcome.responses)]
        wanted: list[Effect] = []
        if numbers and (answer_key(poll, numbers), poll.space.platform) not in posted:
            wanted.append(Post(poll.space, public(lambda: answers_card(poll, outcome, numbers)),
                               key=answer_key(poll, numbers)))
        if data.get("final") and (final_key(poll), poll.space.platform) not in posted:
            wanted.append(Post(poll.space, public(lambda: final_card(poll, outcome)),
                               key=final_key(poll)))
        return wanted
    if what != POLL or not poll.is_open:
        return []
    voted = await core.store.voted_count(poll.id)
    eligible = await core.store.member_count(poll.space)
    tz = core.zone_of(poll.space)
    return [Post(poll.space, public(lambda: poll_card(poll, voted, eligible, tz)),
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
    if what == POLL and not poll.is_open:
        return []
    # Private, to the creator: in their own language.
    language = (await core.languages_of([poll.creator])).get(poll.creator)
    with speaking(language):
        card = not_posted_card(poll) if what == POLL else not_announced_card(poll, what)
    return [DirectMessage(poll.space.platform, poll.creator, card)]


def answers_asked(poll: Poll, outcome: Outcome) -> list[Effect]:
    """At close: privately ask the proposer for the answers the outcome waits for (written
    in the language of the moment: call it inside ``speaking`` the proposer's language)."""
    if not outcome.awaiting:
        return []
    ref = poll.ref
    return [DirectMessage(poll.space.platform, poll.creator, Card(
        title=_("Your proposal {ref} is waiting for your answers").format(ref=ref),
        lines=(Text(ngettext(
                   "{question} — it is final only once you answer each reason given with a "
                   "block or disagreement ({count} to answer).",
                   "{question} — it is final only once you answer each reason given with a "
                   "block or disagreement ({count} to answer).",
                   outcome.awaiting).format(question=poll.spec.question,
                                            count=outcome.awaiting)),
               Text(_("Read them with results {ref}, then answer each by its number: "
                      'respond {ref} 1 "what we changed". Answers are posted and logged, '
                      "without names.").format(ref=ref))),
        tone=Tone.WARNING))]


def not_posted_yet(confirmation: Card, title: str | None = None) -> Card:
    """What the person who started a poll is told instead of ``confirmation`` ("Your poll
    #3 is up") when its card could not be posted just now: the truth, and what happens
    next. The poll is saved and open; the ANNOUNCE job keeps trying.

    ``title`` says it ("Your poll #3 is saved, but not posted yet"); without one it is
    made from the confirmation's English title, or is a general one.
    """
    if title is None:
        title = (confirmation.title.replace(" is up", " is saved, but not posted yet")
                 if confirmation.title.endswith(" is up") else _("Saved, but not posted yet"))
    return Card(
        title=title,
        lines=(
            Text(_("I could not post it in the channel just now. I will try again in a "
                   "minute, and keep trying for about 40 minutes. If it never works, I will "
                   "tell you in a private message. People can already vote with the vote "
                   "command.")),
            Note(_("Do not start it again: that would make a second poll.")),
        ),
        tone=Tone.WARNING,
    )


def answer_not_posted_yet(ref: str, what: str = "answer", creator: bool = True) -> Card:
    """What someone is told when the post of their ``what`` ("answer", "follow-up") on
    ``ref`` failed just now. If it never works, the poll's creator is told (``undelivered``):
    "you" only when that is them."""
    title = (_("Your follow-up is saved, but not posted yet") if what == FOLLOW_UP
             else _("Your answer is saved, but not posted yet"))
    if creator:
        text = _("It is kept in the decision log of {ref}. I could not post it in the channel "
                 "just now. I will keep trying for about 40 minutes, and tell you in a private "
                 "message if it never works.")
    else:
        text = _("It is kept in the decision log of {ref}. I could not post it in the channel "
                 "just now. I will keep trying for about 40 minutes, and tell the person who "
                 "started {ref} in a private message if it never works.")
    return Card(
        title=title,
        lines=(Text(text.format(ref=ref)), Note(_("Do not send it again: it is saved."))),
        tone=Tone.WARNING,
    )


#: How to let the bot post in a channel (English here: shown with ``_(_FIX)``).
_FIX = N_("To fix it, add Roundtable to the channel (on Slack: /invite @Roundtable; on "
          "Discord: give its role View Channel and Send Messages there).")


def not_posted_card(poll: Poll) -> Card:
    """The private, truthful message when a poll's card could never be posted."""
    ref, channel, example = poll.ref, poll.space.channel, vote_example(poll.spec, poll.ref)
    if poll.spec.kind is PollKind.CONSENT:
        title = _("I could not post your proposal {ref} in #{channel}")
        text = _("I tried for about 40 minutes, and the channel would not take the message. "
                 "Your proposal is saved and open: people can still vote with {example}")
    else:
        title = _("I could not post your poll {ref} in #{channel}")
        text = _("I tried for about 40 minutes, and the channel would not take the message. "
                 "Your poll is saved and open: people can still vote with {example}")
    return Card(
        title=title.format(ref=ref, channel=channel),
        lines=(
            Text(text.format(example=example)),
            Text(_(_FIX) + " " + _("Then type polls there. Or end it with cancel {ref}.").format(
                ref=ref)),
            Note(_("Only you got this message.")),
        ),
    )


def not_announced_card(poll: Poll, what: str) -> Card:
    """The private, truthful message when an outcome or an answer could never be posted."""
    return Card(
        title=_not_announced_title(poll, what).format(ref=poll.ref, channel=poll.space.channel),
        lines=(
            Text(_("I tried for about 40 minutes, and the channel would not take the message. "
                   "It is saved in the decision log: anyone can read it with results "
                   "{ref}.").format(ref=poll.ref)),
            Text(_(_FIX) + " " + _("Then you could post it there yourself.")),
            Note(_("Only you got this message.")),
        ),
        tone=Tone.WARNING,
    )


def _not_announced_title(poll: Poll, what: str) -> str:
    """The title of ``not_announced_card``, with ``{ref}`` and ``{channel}`` to fill."""
    if poll.spec.kind is PollKind.CONSENT:
        if what == ANSWER:
            return _("I could not post your answer on your proposal {ref} in #{channel}")
        if what == FOLLOW_UP:
            return _("I could not post the follow-up to your proposal {ref} in #{channel}")
        return _("I could not post the outcome of your proposal {ref} in #{channel}")
    if what == ANSWER:
        return _("I could not post your answer on your poll {ref} in #{channel}")
    if what == FOLLOW_UP:
        return _("I could not post the follow-up to your poll {ref} in #{channel}")
    return _("I could not post the outcome of your poll {ref} in #{channel}")
