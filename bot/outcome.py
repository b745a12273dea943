"""From ballots to an outcome in plain words: counting, quorum, threshold and consent.

Tie-break rule (documented in ``docs/counting.md``): options that tie are shown
as tied, and the order between them comes from a public draw fixed when the
poll is created — options sorted by the SHA-256 of the poll's number, question
and the option's label — so it does not favour the option listed first and
anyone can check it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import counting, ranked
from bot.model import Ballot, Method, Outcome, PollKind, PollSpec, Stance
from bot.polls import ballot_summary

UNITS = {
    Method.PLURALITY: "votes",
    Method.APPROVAL: "supporters",
    Method.SCHULZE: "head-to-head wins",
    Method.IRV: "votes in the last round they were in",
    Method.BORDA: "points",
    Method.SCORE: "points",
    Method.DOTS: "dots",
    Method.CONSENT: "votes",
}


def rule_words(spec: PollSpec) -> str:
    """The decision rule in a few plain words, for cards and the decision log."""
    if spec.kind is PollKind.CONSENT:
        if spec.threshold is not None:
            return (f"passes with no block and at least {spec.threshold:g}% of those taking a "
                    "side agreeing")
        return "passes with no block and more agree than disagree"
    if spec.threshold is not None:
        return f"the top option needs at least {spec.threshold:g}% of ballots"
    return "the option with the most support wins"


def tiebreak_seed(number: int, question: str) -> str:
    """The public seed of a poll's tie-break draw."""
    return f"poll {number}: {question}"


def decide(
    spec: PollSpec,
    number: int,
    ballots: Sequence[tuple[str | None, Ballot]],
    eligible: int,
) -> Outcome:
    """Count a poll's ballots and say what was decided.

    Args:
        spec: The poll.
        number: The poll's number in its space (part of the tie-break seed).
        ballots: ``(voter name or None, ballot)`` pairs; names only on open polls.
        eligible: How many members could vote.
    """
    voted = len(ballots)
    voters = ()
    if not spec.anonymous:
        voters = tuple(
            sorted((name or "someone", ballot_summary(spec, b)) for name, b in ballots)
        )
    base = {"voted": voted, "eligible": eligible, "unit": UNITS[spec.method], "voters": voters}
    if voted == 0:
        return Outcome(summary="No decision.", reason="Nobody voted.", **base)
    if spec.kind is PollKind.CONSENT:
        return _consent(spec, [b for _, b in ballots], base)
    count = _count(spec, number, [b for _, b in ballots])
    labels = spec.options
    tallies = tuple((labels[i], count.totals[i]) for i in count.order)
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
    return Outcome(
        summary=f"{name} wins.",
        reason=_win_reason(spec, name, count, winner) + tie_note,
        winners=(name,), tallies=tallies, story=count.story, tied=tied, **base)


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
    figure = count.totals[winner]
    if spec.method is Method.PLURALITY:
        return f"{name} has the most votes: {figure:g} of {count.ballots}."
    if spec.method is Method.APPROVAL:
        return f"{name} has the most support: {figure:g} of {count.ballots} people chose it."
    if spec.method is Method.SCHULZE:
        return f"{name} comes first when every option is compared head to head."
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
    return (f"{voted} of {eligible} members voted; this poll needed {needed} "
            f"(quorum: {spec.quorum.describe()}).")


def _consent(spec: PollSpec, ballots: list[Ballot], base: dict) -> Outcome:
    stances = [b.stance.value for b in ballots if b.stance is not None]
    tally = counting.count_consent(stances)
    tallies = (("agree", tally.agree), ("abstain", tally.abstain),
               ("disagree", tally.disagree), ("block", tally.block))
    # Sorted, so the order of reasons says nothing about the order of votes.
    reasons = tuple(sorted((b.stance.value, b.reason) for b in ballots
                           if b.reason and b.stance in (Stance.BLOCK, Stance.DISAGREE)))
    common = {"tallies": tallies, "story": tally.story, "reasons": reasons, **base}
    short = _quorum_short(spec, len(ballots), base["eligible"])
    if short:
        return Outcome(summary="No decision: not enough people voted.", reason=short,
                       passed=False, **common)
    if tally.block:
        people = "person" if tally.block == 1 else "people"
        return Outcome(summary="Not passed: blocked.",
                       reason=(f"{tally.block} {people} blocked, and a proposal with a block "
                               "does not pass. The reasons are below."),
                       passed=False, **common)
    sided = tally.agree + tally.disagree
    if sided == 0:
        return Outcome(summary="Not passed.", reason="Nobody agreed: everyone abstained.",
                       passed=False, **common)
    share = 100 * tally.agree / sided
    if spec.threshold is not None:
        passed = share + 1e-9 >= spec.threshold
        need = f"at least {spec.threshold:g}%"
    else:
        passed = tally.agree > tally.disagree
        need = "more than half"
    summary = "Passed." if passed else "Not passed."
    verdict = "meeting" if passed else "short of"
    reason = (f"No blocks; {tally.agree} of {sided} who took a side agreed ({share:.0f}%), "
              f"{verdict} the {need} needed.")
    return Outcome(summary=summary, reason=reason, passed=passed, **common)


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
