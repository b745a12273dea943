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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from bot.counting.outcome import UNITS, decide, first_option
from bot.model import Ballot, Outcome, PollKind, PollSpec, Quorum, Rule, Stance, Verdict

#: The slug of the voters in no declared group, a group of their own for equal weight.
UNGROUPED = ""
UNGROUPED_NAME = "Not in a group"


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
        outcome = replace(outcome, summary=f"No decision: not enough people voted in "
                          f"{_join([g.name for g, _, _ in short])}.",
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
        lines.append((UNGROUPED_NAME, _line(spec, number, ungrouped, None, min_group_size)))
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
        return replace(outcome, reason=f"{outcome.reason} It also won in every group that "
                       f"voted ({_join(counted)}).")
    ranked_like = spec.kind in (PollKind.RANKED, PollKind.SCORE, PollKind.DOTS)
    parts = []
    for g in failing:
        ballots = by_group[g.slug]
        small = len(ballots) < min_size
        hidden = f" (fewer than {min_size} voted there, so numbers are not shown)"
        if spec.kind is PollKind.CONSENT:
            parts.append(f"not enough in {g.name} agreed{hidden}" if small else
                         f"{_support(spec, winner, ballots)} of {len(ballots)} in {g.name} agreed")
        elif not ranked_like:
            label = spec.options[winner]
            parts.append(f"not enough in {g.name} chose {label}{hidden}" if small else
                         f"{_support(spec, winner, ballots)} of {len(ballots)} in {g.name} "
                         f"chose {label}")
        else:
            parts.append(f"{spec.options[winner]} was not first in {g.name}"
                         + (hidden if small else f" (counting its {len(ballots)} ballots)"))
    need = "a majority" if spec.threshold is None else f"at least {spec.threshold:g}%"
    tail = ("the rule needs the winner to come first in every group" if ranked_like
            else f"the rule needs {need} in every group")
    lead = "Not passed" if spec.kind is PollKind.CONSENT else "No decision"
    return replace(
        outcome, summary=f"{lead}: {_join(parts)}; {tail}.", winners=(),
        passed=False if spec.kind is PollKind.CONSENT or spec.threshold is not None else None,
        reason=f"Overall: {outcome.reason} Under this rule, every group must agree, so that is "
               "not enough on its own.")


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
    parts = [f"{voted} of {g.members} in {g.name} voted, and {needed} were needed"
             if g.members >= min_size else f"not enough in {g.name} voted"
             for g, voted, needed in short]
    small = [f"{g.name}: too few people to show numbers (fewer than {min_size})."
             for g, _, _ in short if g.members < min_size]
    said = "; ".join(parts)
    return " ".join([f"{said[:1].upper()}{said[1:]}.", *small,
                     f"This poll needs {spec.quorum_each:g}% of every group's members to vote."])


def _line(spec: PollSpec, number: int, ballots: list[Ballot], met: bool | None,
          min_size: int) -> str:
    """One group's line: its breakdown, or "fewer than N — not shown"; parity when checked."""
    parity = "" if met is None else "; it won here" if met else "; it did not win here"
    if len(ballots) < min_size:
        return f"fewer than {min_size} — not shown{parity}"
    head = f"{len(ballots)} ballots"
    if spec.kind is PollKind.CONSENT:
        counts = Counter(b.stance for b in ballots)
        return f"{head}: " + ", ".join(f"{s.value} {counts[s]}" for s in Stance) + parity
    if spec.kind is PollKind.RANKED:
        first = first_option(spec, number, ballots)
        label = spec.options[first] if first is not None else "none"
        return f"{head}; their first choice: {label}{parity}"
    totals: Counter[int] = Counter()
    for b in ballots:
        if spec.kind is PollKind.CHOICE:
            totals.update(b.picks[:1])
        elif spec.kind is PollKind.MULTI:
            totals.update(b.picks)
        else:
            for option, value in b.points:
                totals[option] += value
    unit = "" if spec.kind in (PollKind.CHOICE, PollKind.MULTI) else f" {UNITS[spec.method]}"
    order = sorted(range(len(spec.options)), key=lambda i: (-totals[i], i))
    listing = ", ".join(f"{spec.options[i]} {totals[i]}{unit}" for i in order)
    return f"{head}: {listing}{parity}"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- a proposal that waits for answers (bot.coproduction.answers) ---------------------

NOT_FINAL = "Not final yet: waiting for answers to the reasons."


def waiting_words(count: int) -> str:
    """"Waiting for the proposer to answer 2 reasons before this is final."."""
    return (f"Waiting for the person who proposed it to answer {count} "
            f"reason{'s' if count != 1 else ''} "
            "before this is final.")


def hold_for_answers(outcome: Outcome) -> Outcome:
    """At close: a passed proposal with reasons waits until each has an answer."""
    if outcome.passed is not True or not outcome.reasons:
        return outcome
    count = len(outcome.reasons)
    return replace(
        outcome, summary=NOT_FINAL, reason=f"{waiting_words(count)} {outcome.reason}",
        passed=None, awaiting=count,
        pending=Verdict(outcome.summary, outcome.reason, outcome.passed))
