"""Cards for the balance of voices, a person's own record, nudges and facilitator notes.

Text comes first and carries every figure; a bar only repeats a figure already said,
with the number beside it, so a screen reader loses nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from bot.anonymity import PROMISE
from bot.cards import Bar, Card, Items, Line, Note, Text
from bot.model import Poll, PollKind
from bot.polls.ballots import vote_example
from bot.voice_model import ContributionCount, ContributionKind, NudgeReason, Preferences
from bot.voices.balance import Balance, GroupBalance

#: Within this far of 1, a voice ratio reads as "about their share".
_ABOUT = 0.2
_KIND_WORDS = {
    ContributionKind.MESSAGE: ("message", "messages"),
    ContributionKind.REPLY: ("reply", "replies"),
    ContributionKind.IDEA: ("idea", "ideas"),
    ContributionKind.RESPONSE: ("response", "responses"),
    ContributionKind.START: ("poll started", "polls started"),
}
_REASON_WORDS = {
    NudgeReason.QUIET.value: "to members who had been quiet",
    NudgeReason.NOT_VOTED.value: "to members who had not voted yet",
    NudgeReason.BALANCE.value: "balance notes to facilitators",
    NudgeReason.PAYMENTS.value: "one question each about payments",
}


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 idea", "3 ideas"."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def percent(share: float) -> str:
    """A share from 0 to 1 as a whole percentage."""
    return f"{100 * share:.0f}%"


def _payments_words(payments: bool | None) -> str:
    if payments is None:
        return "not said yet (payments on or payments off)"
    return "yes" if payments else "no, you said payments off"


def _share_words(ratio: float | None) -> str:
    if ratio is None:
        return "They have not taken part yet."
    if ratio > 1 + _ABOUT:
        return "They were heard more than their share."
    if ratio < 1 - _ABOUT:
        return "They were heard less than their share."
    return "They were heard about their share."


def evenness_words(evenness: float) -> str:
    """How evenly people took part, as a sentence (1 is all the same, 0 is one person)."""
    if evenness >= 0.8:
        return "most people took part about the same amount"
    if evenness >= 0.5:
        return "some people took part more than others"
    return "most of it came from a few people"


def group_lines(g: GroupBalance) -> list[Line]:
    """One group's figures: sentences with every number, then a bar that repeats one."""
    text = (f"{g.group.name}: {plural(g.members, 'person', 'people')} "
            f"({percent(g.member_share)} of everyone). They made "
            f"{plural(g.contributions, 'contribution')} ({percent(g.voice_share)} of all). "
            f"{g.contributors} of {g.members} took part.")
    if g.ratio is not None:
        text += f" {_share_words(g.ratio)}"
    if g.evenness is not None:
        text += f" In this group, {evenness_words(g.evenness)}."
    figure = f"{percent(g.voice_share)} of contributions, {percent(g.member_share)} of members"
    return [Text(text), Bar(g.group.name, round(100 * g.voice_share), 100, figure)]


def balance_lines(balance: Balance, days: int) -> list[Line]:
    """The body of the balance view: overall figures, then each group."""
    window = "Today" if days == 1 else f"In the last {days} days"
    lines: list[Line] = [
        Text(f"{window}, {balance.contributors} of {plural(balance.members, 'member')} took "
             f"part, {plural(balance.contributions, 'time')} in all."),
        Text("We count messages, replies, votes, ideas and answers. We never read them. "
             "Votes and ideas count when the poll ends.")]
    if balance.evenness is not None:
        lines.append(Text(f"Across everyone, {evenness_words(balance.evenness)}."))
    for group in balance.groups:
        lines += group_lines(group)
    if balance.too_small:
        lines.append(Note("Some groups are too small to show without singling people out: "
                          f"{', '.join(balance.too_small)}."))
    return lines


def balance_card(balance: Balance, days: int, has_groups: bool) -> Card:
    """The balance of voices in a space, at group level only."""
    lines = balance_lines(balance, days)
    if not has_groups:
        lines.append(Text("No groups are declared here yet, so there is no comparison between "
                          "groups. A facilitator can declare them; type help to see how."))
    lines.append(Note("Only group-level figures are shown. Type me to see your own record."))
    return Card(title=f"Balance of voices — last {plural(days, 'day')}", lines=tuple(lines))


def month_lines(counts: Sequence[ContributionCount], polls: Sequence[Poll],
                months: int = 12) -> list[str]:
    """One line per month, newest first: decisions taken part in, then what was counted."""
    by_month: dict[tuple[int, int], dict[ContributionKind, int]] = defaultdict(dict)
    for item in counts:
        if item.kind not in _KIND_WORDS or item.day is None:
            continue  # votes show as decisions, from participation; reasons are not counted
        month = by_month[(item.day.year, item.day.month)]
        month[item.kind] = month.get(item.kind, 0) + item.count
    decided: dict[tuple[int, int], int] = defaultdict(int)
    for poll in polls:
        decided[(poll.created_at.year, poll.created_at.month)] += 1
    lines = []
    for key in sorted(set(by_month) | set(decided), reverse=True)[:months]:
        parts = [f"took part in {plural(decided[key], 'decision')}"] if decided[key] else []
        kinds = by_month.get(key, {})
        parts += [plural(kinds[k], *_KIND_WORDS[k]) for k in _KIND_WORDS if kinds.get(k)]
        lines.append(f"{date(key[0], key[1], 1):%B %Y}: {', '.join(parts)}")
    return lines


def me_card(channel: str, counts: Sequence[ContributionCount], polls: Sequence[Poll],
            prefs: Preferences, nudges: bool) -> Card:
    """A person's own record in a space, by month; shown only to them.

    Args:
        nudges: Whether nudges are on for them (their choice, or the default).
    """
    months = month_lines(counts, polls)
    lines: list[Line] = [Items(tuple(months), numbered=False)] if months else [
        Text("Nothing has been counted for you here yet.")]
    lines.append(Text(f"Private nudges are {'on' if nudges else 'off'} for you "
                      f"(nudges {'off' if nudges else 'on'} changes that). Involvement payments: "
                      f"{_payments_words(prefs.payments)}."))
    lines.append(Note("Only you can see this. Messages are counted, never read; votes show as "
                      "decisions you took part in, never what you chose. Everything stored about "
                      "you: my-data. To erase it: forget-me."))
    return Card(title=f"Your record in #{channel}", lines=tuple(lines))


def nudge_counts_card(channel: str, counts: Mapping[str, int], days: int) -> Card:
    """How many nudges and notes went out, by reason; never to whom."""
    total = sum(counts.values())
    if not total:
        text = f"No nudges or notes were sent here in the last {days} days."
    else:
        parts = [f"{counts[r]} {words}" for r, words in _REASON_WORDS.items() if counts.get(r)]
        text = (f"{plural(total, 'private message')} in the last {days} days: "
                f"{', '.join(parts)}.")
    return Card(title=f"Nudges in #{channel}", lines=(
        Text(text),
        Note("Counts only: who got them is never shown. Each member gets at most one nudge in "
             "a few days, never in their quiet hours, and can stop them with nudges off.")))


def nudge_card(poll: Poll, reason: NudgeReason, zone: str) -> Card:
    """The private nudge: kind, specific, with the quickest anonymous way to take part."""
    spec = poll.spec
    opening = ("We have not heard from you here lately, and that is fine. If you would like a "
               "say in this one, it takes one line." if reason is NudgeReason.QUIET else
               "You have not voted on this one yet. If you would like a say, it takes one line.")
    lines: list[Line] = [Text(f"The group is deciding: {spec.question}"), Text(opening)]
    if spec.kind is not PollKind.CONSENT:
        lines.append(Items(spec.options))
    lines.append(Text(vote_example(spec, poll.ref)))
    if spec.closes_at is not None:
        lines.append(Note(f"You can vote anonymously until {{time}}. {PROMISE}",
                          at=spec.closes_at, tz=zone))
    else:
        lines.append(Note(f"You can vote anonymously while it is open. {PROMISE}"))
    lines.append(Note("Only you got this message. To stop these nudges, type: nudges off"))
    return Card(title=f"Your voice on {poll.ref} in #{poll.space.channel}", lines=tuple(lines))


def balance_note_card(poll: Poll, balance: Balance, heavy: Sequence[GroupBalance],
                      days: int) -> Card:
    """The private note to facilitators when one group's voice outweighs its share."""
    names = " and ".join(g.group.name for g in heavy)
    lines: list[Line] = [Text(
        f"While {poll.ref} is open ({poll.spec.question}), {names} "
        f"{'has' if len(heavy) == 1 else 'have'} made a much bigger share of the contributions "
        f"here over the last {plural(days, 'day')} than {'its' if len(heavy) == 1 else 'their'} "
        "share of members.")]
    lines += balance_lines(balance, days)
    lines.append(Text("You might open an ideas round, so people can add thoughts anonymously, "
                      "or pause before closing so that quieter voices can catch up."))
    lines.append(Note("Group-level figures only; nobody is named. This note comes once per "
                      "poll, to facilitators and the poll's creator."))
    return Card(title=f"A note on the balance of voices in #{poll.space.channel}",
                lines=tuple(lines))


def payments_question_card() -> Card:
    """The one private question, after someone's first contribution, about payments."""
    return Card(
        title="Would you like to be paid for taking part?",
        lines=(Text("Some groups pay people for their time. Some people say no, for example "
                    "because of their benefits. Staff are often paid already."),
               Text("If you want to be paid, type: payments on. If not, type: payments off. "
                    "Until you say, the record says you were not asked."),
               Note("Only you got this message. You will not be asked again.")),
    )
