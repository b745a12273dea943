"""From ballots to an outcome in plain words: counting, quorum, threshold and consent.

Tie-break rule (documented in ``docs/counting.md``): options that tie are shown
as tied, and the order between them comes from a public draw fixed when the
poll is created — options sorted by the SHA-256 of the poll's number, question
and the option's label — so it does not favour the option listed first and
anyone can check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from bot.counting import ranked, weighted
from bot.counting import tallies as counting
from bot.model import Ballot, Method, Outcome, PollKind, PollSpec, Rule, Stance

UNITS = {
    Method.PLURALITY: "votes",
    Method.APPROVAL: "supporters",
    Method.SCHULZE: "wins against other options",
    Method.IRV: "votes in the last round they were in",
    Method.BORDA: "points",
    Method.SCORE: "points",
    Method.DOTS: "dots",
    Method.CONSENT: "votes",
    Method.IDEAS: "ideas",
}


def rule_words(spec: PollSpec) -> str:
    """The decision rule in a few plain words, for cards and the decision log."""
    if spec.kind is PollKind.IDEAS:
        return "an ideas round: ideas are collected, nothing is decided"
    if spec.kind is PollKind.CONSENT:
        block = ("no block is left unanswered" if spec.rule is Rule.CONSENT
                 else "nobody blocks")
        if spec.threshold is not None:
            words = (f"it passes if {block} and at least {spec.threshold:g}% of those who take "
                     "a side agree")
        else:
            words = f"it passes if {block} and more agree than disagree"
        if spec.rule is Rule.CONSENT:
            words += ". A block is settled when the person who proposed it answers it"
    elif spec.threshold is not None:
        words = f"the top option needs at least {spec.threshold:g}% of the votes"
    else:
        words = "the option with the most support wins"
    need = "most" if spec.threshold is None else f"at least {spec.threshold:g}%"
    if spec.rule is Rule.PARITY:
        if spec.kind is PollKind.CONSENT:
            words += f", and {need} of every group that votes must agree"
        elif spec.kind in (PollKind.CHOICE, PollKind.MULTI):
            words += f", and {need} of every group that votes must choose it too"
        else:
            words += ", and it must come first in every group that votes"
    elif spec.rule is Rule.EQUAL_WEIGHT:
        words += ". Each group counts the same, however big it is"
    return words


def ballot_summary(spec: PollSpec, ballot: Ballot) -> str:
    """What a ballot says, in a few words: "Park", "Park, then Library", "Park 5, Pier 2"."""
    labels = spec.options
    if spec.kind is PollKind.CONSENT:
        assert ballot.stance is not None
        return ballot.stance.value + (f" ({ballot.reason})" if ballot.reason else "")
    if spec.kind is PollKind.RANKED:
        return ", then ".join(labels[i] for i in ballot.picks)
    if spec.kind in (PollKind.SCORE, PollKind.DOTS):
        return ", ".join(f"{labels[i]} {v}" for i, v in ballot.points)
    return ", ".join(labels[i] for i in ballot.picks)


def tiebreak_seed(number: int, question: str) -> str:
    """The public seed of a poll's tie-break draw."""
    return f"poll {number}: {question}"


def decide(
    spec: PollSpec,
    number: int,
    ballots: Sequence[tuple[str | None, Ballot]],
    eligible: int,
    weights: Sequence[Fraction] | None = None,
) -> Outcome:
    """Count a poll's ballots and say what was decided.

    Group rules (parity, quorum in each group) are applied on top by ``bot.counting.rules``.

    Args:
        spec: The poll.
        number: The poll's number in its space (part of the tie-break seed).
        ballots: ``(voter name or None, ballot)`` pairs; names only on open polls.
        eligible: How many members could vote.
        weights: One weight per ballot, for equal group weight; None: each ballot counts 1.
    """
    voted = len(ballots)
    voters = ()
    if not spec.anonymous:
        voters = tuple(
            sorted((name or "someone", ballot_summary(spec, b)) for name, b in ballots)
        )
    unit = weighted.UNITS[spec.method] if weights is not None else UNITS[spec.method]
    base = {"voted": voted, "eligible": eligible, "unit": unit, "voters": voters}
    if voted == 0:
        return Outcome(summary="No decision.", reason="Nobody voted.", **base)
    if spec.kind is PollKind.CONSENT:
        return _consent(spec, [b for _, b in ballots], base, weights)
    if weights is not None:
        order = counting.tiebreak_order(tiebreak_seed(number, spec.question), spec.options)
        count = weighted.count_weighted(spec.method, spec.options, [b for _, b in ballots],
                                        weights, order)
    else:
        count = _count(spec, number, [b for _, b in ballots])
    labels = spec.options
    tallies = tuple((labels[i], weighted.shown(count.totals[i])) for i in count.order)
    tied = tuple(labels[i] for i in count.tied)
    short = _quorum_short(spec, voted, eligible)
    if short:
        return Outcome(summary="No decision: not enough people voted.", reason=short,
                       tallies=tallies, story=count.story, **base)
    winner = count.winner
    if winner is None:
        return Outcome(summary="No decision.", reason="No option got any support.",
                       tallies=tallies, story=count.story, **base)
    name = labels[winner]
    tie_note = ""
    if tied:
        tie_note = (f" {_join(tied)} were tied; the poll's published tie-break order put "
                    f"{name} first.")
    if spec.threshold is not None:
        share = 100 * count.totals[winner] / voted
        if share + 1e-9 < spec.threshold:
            return Outcome(
                summary="No decision: no option reached the threshold.",
                reason=(f"{name} had the most support, {share:.0f}% of ballots, but this poll "
                        f"needed {spec.threshold:g}%.{tie_note}"),
                passed=False, tallies=tallies, story=count.story, tied=tied, **base)
        return Outcome(
            summary=f"{name} wins.",
            reason=(f"{name} has {share:.0f}% of ballots, meeting the {spec.threshold:g}% "
                    f"threshold.{tie_note}"),
            winners=(name,), passed=True, tallies=tallies, story=count.story, tied=tied, **base)
    reason = _win_reason(spec, name, count, winner)
    if weights is not None:
        reason = (f"{name} has the most {unit}: {weighted.shown(count.totals[winner]):g} of "
                  f"{count.ballots}. {weighted.WEIGHTED_NOTE}")
    return Outcome(
        summary=f"{name} wins.",
        reason=reason + tie_note,
        winners=(name,), tallies=tallies, story=count.story, tied=tied, **base)


def first_option(spec: PollSpec, number: int, ballots: list[Ballot]) -> int | None:
    """The option that comes first when only these ballots are counted (ties: the draw)."""
    return _count(spec, number, ballots).winner


def _count(spec: PollSpec, number: int, ballots: list[Ballot]) -> counting.Count:
    labels = spec.options
    order = counting.tiebreak_order(tiebreak_seed(number, spec.question), labels)
    method = spec.method
    if method is Method.PLURALITY:
        return counting.count_plurality(labels, (b.picks[0] for b in ballots if b.picks), order)
    if method is Method.APPROVAL:
        return counting.count_approval(labels, (b.picks for b in ballots), order)
    if method is Method.SCORE:
        return counting.count_score(labels, (dict(b.points) for b in ballots), order)
    if method is Method.DOTS:
        return counting.count_dots(labels, (dict(b.points) for b in ballots), order)
    if method is Method.BORDA:
        return ranked.count_borda(labels, (b.picks for b in ballots), order)
    if method is Method.IRV:
        return ranked.count_irv(labels, (b.picks for b in ballots), order)
    return ranked.count_schulze(labels, (b.picks for b in ballots), order)


def _win_reason(spec: PollSpec, name: str, count: counting.Count, winner: int) -> str:
    figure = weighted.shown(count.totals[winner])
    if spec.method is Method.PLURALITY:
        return f"{name} has the most votes: {figure:g} of {count.ballots}."
    if spec.method is Method.APPROVAL:
        return f"{name} has the most support: {figure:g} of {count.ballots} people chose it."
    if spec.method is Method.SCHULZE:
        return f"{name} comes first when every pair of options is compared."
    if spec.method is Method.IRV:
        return f"{name} won the instant runoff."
    if spec.method is Method.BORDA:
        return f"{name} has the most points: {figure:g}."
    unit = "points" if spec.method is Method.SCORE else "dots"
    return f"{name} has the most {unit}: {figure:g}."


def _quorum_short(spec: PollSpec, voted: int, eligible: int) -> str | None:
    if spec.quorum is None:
        return None
    needed = spec.quorum.needed(eligible)
    if voted >= needed:
        return None
    return (f"{voted} of {eligible} members voted, and it needed at least {needed} "
            f"({spec.quorum.describe()}) for the result to count.")


def _consent(spec: PollSpec, ballots: list[Ballot], base: dict,
             weights: Sequence[Fraction] | None = None) -> Outcome:
    totals = weighted.stance_totals(ballots, weights)
    blocks = sum(1 for b in ballots if b.stance is Stance.BLOCK)
    tallies = tuple((stance.value, weighted.shown(totals[stance])) for stance in Stance)
    if weights is None:
        story = counting.count_consent([b.stance.value for b in ballots if b.stance]).story
    else:
        story = (", ".join(f"{figure:g} {label}" for label, figure in tallies) + ". "
                 + weighted.WEIGHTED_NOTE,)
    # Sorted, so the order of reasons says nothing about the order of votes.
    reasons = tuple(sorted((b.stance.value, b.reason) for b in ballots
                           if b.reason and b.stance in (Stance.BLOCK, Stance.DISAGREE)))
    common = {"tallies": tallies, "story": story, "reasons": reasons, **base}
    short = _quorum_short(spec, len(ballots), base["eligible"])
    if short:
        return Outcome(summary="No decision: not enough people voted.", reason=short,
                       passed=False, **common)
    people = "person" if blocks == 1 else "people"
    if blocks and spec.rule is not Rule.CONSENT:
        return Outcome(summary="Not passed: blocked.",
                       reason=(f"{blocks} {people} blocked, and a proposal with a block "
                               "does not pass. The reasons are below."),
                       passed=False, **common)
    agree, sided = totals[Stance.AGREE], totals[Stance.AGREE] + totals[Stance.DISAGREE]
    # Under the consent rule blocks are set aside here; bot.coproduction.answers holds the
    # proposal until the person who proposed it has answered each one.
    lead = (f"{blocks} {people} blocked. Under the consent rule, a block is settled once the "
            "person who proposed it answers it. Apart from the blocks," if blocks
            else "No blocks;")
    if sided == 0:
        # Nobody took a side, so there is no share to compare (and nothing to divide by).
        reason = (f"{lead} nobody agreed or disagreed." if blocks
                  else "Nobody agreed: everyone abstained.")
        return Outcome(summary="Not passed.", reason=reason, passed=False, **common)
    share = 100 * agree / sided
    if spec.threshold is not None:
        passed = share >= Fraction(spec.threshold).limit_denominator(10**6)
        need = f"at least {spec.threshold:g}%"
    else:
        passed = agree > totals[Stance.DISAGREE]
        need = "more than half"
    summary = "Passed." if passed else "Not passed."
    verdict = "meeting" if passed else "short of"
    reason = (f"{lead} {weighted.shown(agree):g} of {weighted.shown(sided):g} who took a side "
              f"agreed ({float(share):.0f}%), {verdict} the {need} needed.")
    return Outcome(summary=summary, reason=reason, passed=passed, **common)


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
