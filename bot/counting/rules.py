"""Group rules on top of a count: parity, equal group weight, quorum in every group.

Pure functions. Each ballot comes with the slugs of the groups its voter was in
when voting (kept beside the ballot only while the poll is open). The exact
definitions are in ``docs/counting.md``, "Groups and rules"; in short:

- parity: for choice, multi and proposals, the winner's (or agree's) share of each
  group's ballots must reach the threshold (default: more than half); for ranked,
  score and dots, the overall winner must also come first on that group's ballots
  alone. Every declared group with members that took part is checked.
- equal group weight: ballots are weighted so that every group that took part
  (voters in no group form one more) weighs the same in total; someone in k groups
  gives each of them 1/k of their ballot.
- quorum in each group: every declared group with members needs that share of
  its members to have voted.

Breakdowns by group name figures only for groups with at least ``min_group_size``
ballots; smaller groups are "fewer than 5 — not shown", even when a rule uses them.
A group's turnout ("3 of 8 in Staff voted") is shown only for groups with at least
``min_group_size`` members; a smaller group is "too few people to show numbers", and
the outcome still says whether it met its quorum.

The words are written in the reader's language (``bot.i18n``) when the poll is counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from bot.counting.common import figure_words, join_names
from bot.counting.outcome import UNITS, decide, first_option
from bot.i18n import N_, _, ngettext, pgettext
from bot.model import (
    Ballot,
    Outcome,
    PollKind,
    PollSpec,
    Quorum,
    Rule,
    Stance,
    Verdict,
    stance_name,
)

#: The slug of the voters in no declared group, a group of their own for equal weight.
UNGROUPED = ""
UNGROUPED_NAME = N_("Not in a group")


@dataclass(frozen=True)
class GroupInfo:
    """A declared group as the count sees it: its slug, name and how many members it has."""

    slug: str
    name: str
    members: int


@dataclass(frozen=True)
class Tagged:
    """A ballot with the groups its voter was in when voting (and a name on open polls)."""

    ballot: Ballot
    groups: frozenset[str] = frozenset()
    name: str | None = None


def equal_weights(memberships: Sequence[frozenset[str]]) -> list[Fraction]:
    """Ballot weights under which every group that took part weighs the same in total.

    A ballot in no group counts for the "not in a group" group; a ballot in k groups
    gives each 1/k. The weights add up to the number of ballots, so shares of
    ballots keep their meaning.
    """
    own = [groups or frozenset({UNGROUPED}) for groups in memberships]
    shares: Counter[str] = Counter()
    for groups in own:
        for slug in groups:
            shares[slug] += Fraction(1, len(groups))
    if not shares:
        return []
    each = Fraction(len(own), len(shares))
    return [sum((Fraction(1, len(groups)) * each / shares[slug] for slug in groups), Fraction(0))
            for groups in own]


def decide_in_groups(
    spec: PollSpec,
    number: int,
    ballots: Sequence[Tagged],
    eligible: int,
    groups: Sequence[GroupInfo],
    min_group_size: int = 5,
) -> Outcome:
    """Count a poll and apply its group rule; add a line per group.

    Args:
        spec: The poll.
        number: Its number in the space (for the tie-break draw).
        ballots: Every ballot with its voter's groups.
        eligible: Members who could vote.
        groups: The space's declared groups now (tags of groups since removed are ignored).
        min_group_size: Groups with fewer ballots get no numbers of their own.
    """
    declared = {g.slug: g for g in groups}
    tagged = [t if t.groups <= declared.keys() else replace(t, groups=t.groups & declared.keys())
              for t in ballots]
    weights = None
    if spec.rule is Rule.EQUAL_WEIGHT and declared:
        weights = equal_weights([t.groups for t in tagged])
    outcome = decide(spec, number, [(t.name, t.ballot) for t in tagged], eligible, weights)
    if not declared:
        return outcome
    by_group = {slug: [t.ballot for t in tagged if slug in t.groups] for slug in declared}
    met: dict[str, bool] = {}
    overall_short = spec.quorum is not None and outcome.voted < spec.quorum.needed(eligible)
    short = None if overall_short else _quorum_each_short(spec, groups, by_group)
    if outcome.voted and short:
        outcome = replace(outcome, summary=_("No decision: not enough people voted in "
                                             "{groups}.").format(
                              groups=join_names([g.name for g, _n, _m in short])),
                          reason=_quorum_each_words(spec, short, min_group_size),
                          winners=(),
                          passed=False if outcome.passed is not None else None)
    elif spec.rule is Rule.PARITY and (outcome.winners or outcome.passed):
        winner = _winner(spec, outcome)
        for g in groups:
            if g.members and by_group[g.slug]:
                met[g.slug] = _met(spec, number, winner, by_group[g.slug])
        outcome = _parity(spec, outcome, winner, groups, by_group, met, min_group_size)
    ungrouped = [t.ballot for t in tagged if not t.groups]
    lines = [(g.name, _line(spec, number, by_group[g.slug], met.get(g.slug), min_group_size))
             for g in groups if g.members or by_group[g.slug]]
    if ungrouped:
        lines.append((_(UNGROUPED_NAME), _line(spec, number, ungrouped, None, min_group_size)))
    return replace(outcome, groups=tuple(lines))


def _winner(spec: PollSpec, outcome: Outcome) -> int | None:
    """The winning option's index; None for a proposal (where "agree" is what counts)."""
    if spec.kind is PollKind.CONSENT:
        return None
    return spec.options.index(outcome.winners[0])


def _support(spec: PollSpec, winner: int | None, ballots: list[Ballot]) -> int:
    """How many of these ballots chose the winner (or agreed, on a proposal)."""
    if spec.kind is PollKind.CONSENT:
        return sum(1 for b in ballots if b.stance is Stance.AGREE)
    if spec.kind is PollKind.CHOICE:
        return sum(1 for b in ballots if b.picks[:1] == (winner,))
    return sum(1 for b in ballots if winner in b.picks)


def _met(spec: PollSpec, number: int, winner: int | None, ballots: list[Ballot]) -> bool:
    """Whether parity holds within one group's ballots (see the module docstring)."""
    if spec.kind in (PollKind.CONSENT, PollKind.CHOICE, PollKind.MULTI):
        share = Fraction(100 * _support(spec, winner, ballots), len(ballots))
        if spec.threshold is None:
            return share > 50
        return share >= Fraction(spec.threshold).limit_denominator(10**6)
    return first_option(spec, number, ballots) == winner


def _parity(spec: PollSpec, outcome: Outcome, winner: int | None,
            groups: Sequence[GroupInfo], by_group: dict[str, list[Ballot]],
            met: dict[str, bool], min_size: int) -> Outcome:
    counted = [g.name for g in groups if g.slug in met]
    failing = [g for g in groups if met.get(g.slug) is False]
    if not failing:
        return replace(outcome, reason=f"{outcome.reason} " + _(
            "It also won in every group that voted ({groups}).").format(
            groups=join_names(counted)))
    ranked_like = spec.kind in (PollKind.RANKED, PollKind.SCORE, PollKind.DOTS)
    parts = [_failing_words(spec, winner, g.name, by_group[g.slug], min_size, ranked_like)
             for g in failing]
    if ranked_like:
        tail = _("the rule needs the winner to come first in every group")
    elif spec.threshold is None:
        tail = _("the rule needs a majority in every group")
    else:
        tail = _("the rule needs at least {percent}% in every group").format(
            percent=f"{spec.threshold:g}")
    summary = (_("Not passed: {failures}; {rule}.") if spec.kind is PollKind.CONSENT
               else _("No decision: {failures}; {rule}."))
    return replace(
        outcome, summary=summary.format(failures=join_names(parts), rule=tail), winners=(),
        passed=False if spec.kind is PollKind.CONSENT or spec.threshold is not None else None,
        reason=_("Overall: {reason} Under this rule, every group must agree, so that is not "
                 "enough on its own.").format(reason=outcome.reason))


def _failing_words(spec: PollSpec, winner: int | None, group: str, ballots: list[Ballot],
                   min_size: int, ranked_like: bool) -> str:
    """How the winner fell short in one group; no numbers for a group under ``min_size``."""
    small = len(ballots) < min_size
    said = {"group": group, "size": min_size, "ballots": len(ballots),
            "support": _support(spec, winner, ballots)}
    if winner is not None:
        said["option"] = spec.options[winner]
    if spec.kind is PollKind.CONSENT:
        words = (_("not enough in {group} agreed (fewer than {size} voted there, so numbers "
                   "are not shown)") if small else
                 _("{support} of {ballots} in {group} agreed"))
    elif not ranked_like:
        words = (_("not enough in {group} chose {option} (fewer than {size} voted there, so "
                   "numbers are not shown)") if small else
                 _("{support} of {ballots} in {group} chose {option}"))
    elif small:
        words = _("{option} was not first in {group} (fewer than {size} voted there, so "
                  "numbers are not shown)")
    else:
        words = ngettext("{option} was not first in {group} (counting its {ballots} ballot)",
                         "{option} was not first in {group} (counting its {ballots} ballots)",
                         len(ballots))
    return words.format(**said)


def _quorum_each_short(spec: PollSpec, groups: Sequence[GroupInfo],
                       by_group: dict[str, list[Ballot]]) -> list[tuple[GroupInfo, int, int]]:
    """Groups short of their quorum, as (group, ballots, ballots needed)."""
    if spec.quorum_each is None:
        return []
    quorum = Quorum(percent=spec.quorum_each)
    short = []
    for g in groups:
        if g.members:
            needed = min(quorum.needed(g.members), g.members)
            if len(by_group[g.slug]) < needed:
                short.append((g, len(by_group[g.slug]), needed))
    return short


def _quorum_each_words(spec: PollSpec, short: list[tuple[GroupInfo, int, int]],
                       min_size: int) -> str:
    """Why the quorum in each group was not met; no turnout of a group under ``min_size``."""
    parts = [_("{voted} of {members} in {group} voted, and {needed} were needed").format(
                 voted=voted, members=g.members, group=g.name, needed=needed)
             if g.members >= min_size else
             _("not enough in {group} voted").format(group=g.name)
             for g, voted, needed in short]
    small = [_("{group}: too few people to show numbers (fewer than {size}).").format(
                 group=g.name, size=min_size)
             for g, _v, _n in short if g.members < min_size]
    said = "; ".join(parts)
    return " ".join([f"{said[:1].upper()}{said[1:]}.", *small,
                     _("This poll needs {percent}% of every group's members to vote.").format(
                         percent=f"{spec.quorum_each:g}")])


def _line(spec: PollSpec, number: int, ballots: list[Ballot], met: bool | None,
          min_size: int) -> str:
    """One group's line: its breakdown, or "fewer than N — not shown"; parity when checked."""
    count = len(ballots)
    if count < min_size:
        line = _("fewer than {size} — not shown").format(size=min_size)
    elif spec.kind is PollKind.CONSENT:
        stances = Counter(b.stance for b in ballots)
        listing = ", ".join(f"{stance_name(s)} {stances[s]}" for s in Stance)
        line = _ballots_line(count, listing)
    elif spec.kind is PollKind.RANKED:
        first = first_option(spec, number, ballots)
        label = spec.options[first] if first is not None else pgettext("no option", "none")
        line = ngettext("{n} ballot; their first choice: {option}",
                        "{n} ballots; their first choice: {option}", count).format(
            n=count, option=label)
    else:
        line = _ballots_line(count, _listing(spec, ballots))
    if met is None:
        return line
    return (_("{line}; it won here") if met else _("{line}; it did not win here")).format(
        line=line)


def _ballots_line(count: int, listing: str) -> str:
    return ngettext("{n} ballot: {listing}", "{n} ballots: {listing}", count).format(
        n=count, listing=listing)


def _listing(spec: PollSpec, ballots: list[Ballot]) -> str:
    """Each option's total on these ballots, most first: "Park 3, Pier 1", "Park 5 points"."""
    totals: Counter[int] = Counter()
    for b in ballots:
        if spec.kind is PollKind.CHOICE:
            totals.update(b.picks[:1])
        elif spec.kind is PollKind.MULTI:
            totals.update(b.picks)
        else:
            for option, value in b.points:
                totals[option] += value
    order = sorted(range(len(spec.options)), key=lambda i: (-totals[i], i))
    if spec.kind in (PollKind.CHOICE, PollKind.MULTI):
        return ", ".join(f"{spec.options[i]} {totals[i]}" for i in order)
    unit = UNITS[spec.method]
    return ", ".join(f"{spec.options[i]} {figure_words(unit, totals[i])}" for i in order)


# -- a proposal that waits for answers (bot.coproduction.answers) ---------------------

NOT_FINAL = N_("Not final yet: waiting for answers to the reasons.")


def waiting_words(count: int) -> str:
    """"Waiting for the person who proposed it to answer 2 reasons before this is final."."""
    return ngettext(
        "Waiting for the person who proposed it to answer {n} reason before this is final.",
        "Waiting for the person who proposed it to answer {n} reasons before this is final.",
        count).format(n=count)


def hold_for_answers(outcome: Outcome) -> Outcome:
    """At close: a passed proposal with reasons waits until each has an answer."""
    if outcome.passed is not True or not outcome.reasons:
        return outcome
    count = len(outcome.reasons)
    return replace(
        outcome, summary=_(NOT_FINAL), reason=f"{waiting_words(count)} {outcome.reason}",
        passed=None, awaiting=count,
        pending=Verdict(outcome.summary, outcome.reason, outcome.passed))
