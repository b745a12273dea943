"""Cards for the balance of voices, a person's own record, nudges and facilitator notes.

Text comes first and carries every figure; a bar only repeats a figure already said,
with the number beside it, so a screen reader loses nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from bot.anonymity import PROMISE
from bot.cards import Bar, Card, Items, Line, Note, Text
from bot.counting.common import join_names
from bot.i18n import _, format_time, ngettext
from bot.model import Poll, PollKind
from bot.polls.ballots import vote_example
from bot.voice_model import ContributionCount, ContributionKind, NudgeReason, Preferences
from bot.voices.balance import Balance, GroupBalance

#: Within this far of 1, a voice ratio reads as "about their share".
_ABOUT = 0.2
#: How many of each kind a person made, in the reader's language, in this order.
_KIND_COUNTS: dict[ContributionKind, Callable[[int], str]] = {
    ContributionKind.MESSAGE: lambda n: ngettext("{n} message", "{n} messages", n),
    ContributionKind.REPLY: lambda n: ngettext("{n} reply", "{n} replies", n),
    ContributionKind.IDEA: lambda n: ngettext("{n} idea", "{n} ideas", n),
    ContributionKind.RESPONSE: lambda n: ngettext("{n} response", "{n} responses", n),
    ContributionKind.START: lambda n: ngettext("{n} poll started", "{n} polls started", n),
}
#: How many nudges and notes went out for each reason, in the reader's language.
_REASON_COUNTS: dict[str, Callable[[int], str]] = {
    NudgeReason.QUIET.value: lambda n: ngettext(
        "{n} to members who had been quiet", "{n} to members who had been quiet", n),
    NudgeReason.NOT_VOTED.value: lambda n: ngettext(
        "{n} to members who had not voted yet", "{n} to members who had not voted yet", n),
    NudgeReason.BALANCE.value: lambda n: ngettext(
        "{n} balance note to facilitators", "{n} balance notes to facilitators", n),
    NudgeReason.PAYMENTS.value: lambda n: ngettext(
        "{n} question about payments (one each)", "{n} questions about payments (one each)", n),
    NudgeReason.REMINDER.value: lambda n: ngettext(
        "{n} reminder before a poll closed", "{n} reminders before a poll closed", n),
}


def percent(share: float) -> str:
    """A share from 0 to 1 as a whole percentage."""
    return f"{100 * share:.0f}%"


def _payments_words(payments: bool | None) -> str:
    if payments is None:
        return _("Involvement payments: not said yet (payments on or payments off).")
    return (_("Involvement payments: yes.") if payments else
            _("Involvement payments: no, you said payments off."))


def _share_words(ratio: float | None) -> str:
    if ratio is None:
        return _("They have not taken part yet.")
    if ratio > 1 + _ABOUT:
        return _("They were heard more than their share.")
    if ratio < 1 - _ABOUT:
        return _("They were heard less than their share.")
    return _("They were heard about their share.")


def evenness_words(evenness: float, in_group: bool = False) -> str:
    """How evenly people took part, as a sentence (1 is all the same, 0 is one person),
    across everyone or (``in_group``) within one group."""
    if in_group:
        if evenness >= 0.8:
            return _("In this group, most people took part about the same amount.")
        if evenness >= 0.5:
            return _("In this group, some people took part more than others.")
        return _("In this group, most of it came from a few people.")
    if evenness >= 0.8:
        return _("Across everyone, most people took part about the same amount.")
    if evenness >= 0.5:
        return _("Across everyone, some people took part more than others.")
    return _("Across everyone, most of it came from a few people.")


def _group_name(g: GroupBalance) -> str:
    # Declared groups keep the names people gave them; "not in any group" is ours.
    return g.group.name if g.group.slug else _(g.group.name)


def group_lines(g: GroupBalance) -> list[Line]:
    """One group's figures: sentences with every number, then a bar that repeats one."""
    name = _group_name(g)
    sentences = [
        ngettext("{group}: {n} person ({share} of everyone).",
                 "{group}: {n} people ({share} of everyone).", g.members).format(
            group=name, n=g.members, share=percent(g.member_share)),
        ngettext("They made {n} contribution ({share} of all).",
                 "They made {n} contributions ({share} of all).", g.contributions).format(
            n=g.contributions, share=percent(g.voice_share)),
        _("{took} of {members} took part.").format(took=g.contributors, members=g.members)]
    if g.ratio is not None:
        sentences.append(_share_words(g.ratio))
    if g.evenness is not None:
        sentences.append(evenness_words(g.evenness, in_group=True))
    figure = _("{voices} of contributions, {members} of members").format(
        voices=percent(g.voice_share), members=percent(g.member_share))
    return [Text(" ".join(sentences)), Bar(name, round(100 * g.voice_share), 100, figure)]


def _times(n: int) -> str:
    return ngettext("{n} time", "{n} times", n).format(n=n)


def balance_lines(balance: Balance, days: int) -> list[Line]:
    """The body of the balance view: overall figures, then each group."""
    took, members = balance.contributors, balance.members
    if days == 1:
        overall = ngettext("Today, {took} of {n} member took part, {times} in all.",
                           "Today, {took} of {n} members took part, {times} in all.", members)
    else:
        overall = ngettext(
            "In the last {days} days, {took} of {n} member took part, {times} in all.",
            "In the last {days} days, {took} of {n} members took part, {times} in all.",
            members)
    lines: list[Line] = [
        Text(overall.format(days=days, took=took, n=members,
                            times=_times(balance.contributions))),
        Text(_("We count messages, replies, votes, ideas and answers. We never read them. "
               "Votes and ideas count when the poll ends."))]
    if balance.evenness is not None:
        lines.append(Text(evenness_words(balance.evenness)))
    for group in balance.groups:
        lines += group_lines(group)
    if balance.too_small:
        lines.append(Note(_("Some groups are too small to show without singling people out: "
                            "{groups}.").format(groups=", ".join(balance.too_small))))
    return lines


def balance_card(balance: Balance, days: int, has_groups: bool) -> Card:
    """The balance of voices in a space, at group level only."""
    lines = balance_lines(balance, days)
    if not has_groups:
        lines.append(Text(_("No groups are declared here yet, so there is no comparison "
                            "between groups. A facilitator can declare them; type help to "
                            "see how.")))
    lines.append(Note(_("Only group-level figures are shown. Type me to see your own record.")))
    title = ngettext("Balance of voices — last {n} day", "Balance of voices — last {n} days",
                     days).format(n=days)
    return Card(title=title, lines=tuple(lines))


def month_lines(counts: Sequence[ContributionCount], polls: Sequence[Poll],
                months: int = 12) -> list[str]:
    """One line per month, newest first: decisions taken part in, then what was counted."""
    by_month: dict[tuple[int, int], dict[ContributionKind, int]] = defaultdict(dict)
    for item in counts:
        if item.kind not in _KIND_COUNTS or item.day is None:
            continue  # votes show as decisions, from participation; reasons are not counted
        month = by_month[(item.day.year, item.day.month)]
        month[item.kind] = month.get(item.kind, 0) + item.count
    decided: dict[tuple[int, int], int] = defaultdict(int)
    for poll in polls:
        decided[(poll.created_at.year, poll.created_at.month)] += 1
    lines = []
    for key in sorted(set(by_month) | set(decided), reverse=True)[:months]:
        parts = [ngettext("took part in {n} decision", "took part in {n} decisions",
                          decided[key]).format(n=decided[key])] if decided[key] else []
        kinds = by_month.get(key, {})
        parts += [_KIND_COUNTS[k](kinds[k]).format(n=kinds[k])
                  for k in _KIND_COUNTS if kinds.get(k)]
        month = format_time(datetime(key[0], key[1], 1, tzinfo=UTC), "UTC", "LLLL y")
        lines.append(f"{month}: {', '.join(parts)}")
    return lines


def me_card(channel: str, counts: Sequence[ContributionCount], polls: Sequence[Poll],
            prefs: Preferences, nudges: bool) -> Card:
    """A person's own record in a space, by month; shown only to them.

    Args:
        nudges: Whether nudges are on for them (their choice, or the default).
    """
    months = month_lines(counts, polls)
    lines: list[Line] = [Items(tuple(months), numbered=False)] if months else [
        Text(_("Nothing has been counted for you here yet."))]
    setting = (_("Private nudges are on for you (nudges off changes that).") if nudges else
               _("Private nudges are off for you (nudges on changes that)."))
    lines.append(Text(f"{setting} {_payments_words(prefs.payments)}"))
    lines.append(Note(_("Only you can see this. Messages are counted, never read; votes show "
                        "as decisions you took part in, never what you chose. Everything "
                        "stored about you: my-data. To erase it: forget-me.")))
    return Card(title=_("Your record in #{channel}").format(channel=channel), lines=tuple(lines))


def nudge_counts_card(channel: str, counts: Mapping[str, int], days: int) -> Card:
    """How many nudges and notes went out, by reason; never to whom."""
    total = sum(counts.values())
    if not total:
        text = _("No nudges or notes were sent here in the last {days} days.").format(days=days)
    else:
        parts = [words(counts[r]).format(n=counts[r])
                 for r, words in _REASON_COUNTS.items() if counts.get(r)]
        text = ngettext("{n} private message in the last {days} days: {reasons}.",
                        "{n} private messages in the last {days} days: {reasons}.",
                        total).format(n=total, days=days, reasons=", ".join(parts))
    return Card(title=_("Nudges in #{channel}").format(channel=channel), lines=(
        Text(text),
        Note(_("Counts only: who got them is never shown. Each member gets at most one nudge "
               "in a few days, never in their quiet hours, and can stop them with nudges "
               "off."))))


def nudge_card(poll: Poll, reason: NudgeReason, zone: str) -> Card:
    """The private nudge: kind, specific, with the quickest anonymous way to take part."""
    spec = poll.spec
    opening = (_("We have not heard from you here lately, and that is fine. If you would like "
                 "a say in this one, it takes one line.") if reason is NudgeReason.QUIET else
               _("You have not voted on this one yet. If you would like a say, it takes one "
                 "line."))
    lines: list[Line] = [Text(_("The group is deciding: {question}").format(
        question=spec.question)), Text(opening)]
    if spec.kind is not PollKind.CONSENT:
        lines.append(Items(spec.options))
    lines.append(Text(vote_example(spec, poll.ref)))
    if spec.closes_at is not None:
        # {time} stays in the text: the platform shows it in the reader's own time.
        until = _("You can vote anonymously until {time}.")
        lines.append(Note(f"{until} {_(PROMISE)}", at=spec.closes_at, tz=zone))
    else:
        until = _("You can vote anonymously while it is open.")
        lines.append(Note(f"{until} {_(PROMISE)}"))
    lines.append(Note(_("Only you got this message. To stop these nudges, type: nudges off")))
    return Card(title=_("Your voice on {ref} in #{channel}").format(
        ref=poll.ref, channel=poll.space.channel), lines=tuple(lines))


def balance_note_card(poll: Poll, balance: Balance, heavy: Sequence[GroupBalance],
                      days: int) -> Card:
    """The private note to facilitators when one group's voice outweighs its share."""
    names = join_names([_group_name(g) for g in heavy])
    heard = ngettext(
        "While {ref} is open ({question}), {names} has made a much bigger share of the "
        "contributions here than its share of members.",
        "While {ref} is open ({question}), {names} have made a much bigger share of the "
        "contributions here than their share of members.",
        len(heavy)).format(ref=poll.ref, question=poll.spec.question, names=names)
    over = ngettext("That is over the last {n} day.", "That is over the last {n} days.",
                    days).format(n=days)
    lines: list[Line] = [Text(f"{heard} {over}")]
    lines += balance_lines(balance, days)
    lines.append(Text(_("You might open an ideas round, so people can add thoughts "
                        "anonymously, or pause before closing so that quieter voices can catch "
                        "up.")))
    lines.append(Note(_("Group-level figures only; nobody is named. This note comes once per "
                        "poll, to facilitators and the poll's creator.")))
    return Card(title=_("A note on the balance of voices in #{channel}").format(
        channel=poll.space.channel), lines=tuple(lines))


def payments_question_card() -> Card:
    """The one private question, after someone's first contribution, about payments."""
    return Card(
        title=_("Would you like to be paid for taking part?"),
        lines=(Text(_("Some groups pay people for their time. Some people say no, for "
                      "example because of their benefits. Staff are often paid already.")),
               Text(_("If you want to be paid, type: payments on. If not, type: payments "
                      "off. Until you say, the record says you were not asked.")),
               Note(_("Only you got this message. You will not be asked again.")),
    ))
