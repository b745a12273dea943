"""From ballots to an outcome in plain words: counting, quorum, threshold and consent.

Tie-break rule (documented in ``docs/counting.md``): options that tie are shown
as tied, and the order between them comes from a public draw fixed when the
poll is created — options sorted by the SHA-256 of the poll's number, question
and the option's label — so it does not favour the option listed first and
anyone can check it.

Every sentence of an outcome is written in the reader's language (``bot.i18n``) when the
poll is counted, and kept so in the decision log. What the outcome names as data stays
English whatever the language: ``Outcome.unit`` (a key of ``UNITS``, said by
``common.figure_words``) and the stances in ``tallies`` and ``reasons`` (said by
``bot.model.stance_name``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from bot.counting import ranked, weighted
from bot.counting import tallies as counting
from bot.counting.common import join_names
from bot.i18n import _, ngettext
from bot.model import Ballot, Method, Outcome, PollKind, PollSpec, Rule, Stance, stance_name

#: What an outcome's figures count, per method: a name kept in the outcome as data
#: (``common.figure_words`` says it in the reader's language).
UNITS = {
    Method.PLURALITY: "votes",
    Method.APPROVAL: "supporters",
    # The figure is the best place the draw could have given the option (not its
    # head-to-head wins); bot.polls.views.place_bars shows 1st, 2nd... and the ties.
    Method.SCHULZE: "place",
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
        return _("an ideas round: ideas are collected, nothing is decided")
    percent = None if spec.threshold is None else f"{spec.threshold:g}"
    if spec.kind is PollKind.CONSENT:
        words = _consent_rule(spec.rule, percent)
    elif spec.rule is Rule.PARITY:
        words = _parity_rule(spec.kind, percent)
    elif percent is not None:
        words = _("the top option needs at least {percent}% of the votes")
    else:
        words = _("the option with the most support wins")
    if spec.rule is Rule.EQUAL_WEIGHT:
        words += ". " + _("Each group counts the same, however big it is")
    return words.format(percent=percent)


def _consent_rule(rule: Rule, percent: str | None) -> str:
    """The rule of a proposal, with ``{percent}`` still to fill in."""
    if rule is Rule.CONSENT:
        words = (_("it passes if no block is left unanswered and more agree than disagree")
                 if percent is None else
                 _("it passes if no block is left unanswered and at least {percent}% of those "
                   "who take a side agree"))
        return words + ". " + _("A block is settled when the person who proposed it answers it")
    if rule is Rule.PARITY:
        return (_("it passes if nobody blocks and more agree than disagree, and most of every "
                  "group that votes must agree") if percent is None else
                _("it passes if nobody blocks and at least {percent}% of those who take a side "
                  "agree, and at least {percent}% of every group that votes must agree"))
    return (_("it passes if nobody blocks and more agree than disagree") if percent is None
            else _("it passes if nobody blocks and at least {percent}% of those who take a side "
                   "agree"))


def _parity_rule(kind: PollKind, percent: str | None) -> str:
    """The parity rule of a poll with options, with ``{percent}`` still to fill in."""
    if kind in (PollKind.CHOICE, PollKind.MULTI):
        return (_("the option with the most support wins, and most of every group that votes "
                  "must choose it too") if percent is None else
                _("the top option needs at least {percent}% of the votes, and at least "
                  "{percent}% of every group that votes must choose it too"))
    return (_("the option with the most support wins, and it must come first in every group "
              "that votes") if percent is None else
            _("the top option needs at least {percent}% of the votes, and it must come first "
              "in every group that votes"))


def ballot_summary(spec: PollSpec, ballot: Ballot) -> str:
    """What a ballot says, in a few words: "Park", "Park, then Library", "Park 5, Pier 2"."""
    labels = spec.options
    if spec.kind is PollKind.CONSENT:
        assert ballot.stance is not None
        name = stance_name(ballot.stance)
        return f"{name} ({ballot.reason})" if ballot.reason else name
    if spec.kind is PollKind.RANKED:
        said = ""
        for index, pick in enumerate(ballot.picks):
            said = labels[pick] if not index else _("{earlier}, then {later}").format(
                earlier=said, later=labels[pick])
        return said
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
            sorted((name or _("someone"), ballot_summary(spec, b)) for name, b in ballots)
        )
    unit = weighted.UNITS[spec.method] if weights is not None else UNITS[spec.method]
    base = {"voted": voted, "eligible": eligible, "unit": unit, "voters": voters}
    if voted == 0:
        return Outcome(summary=_("No decision."), reason=_("Nobody voted."), **base)
    if spec.kind is PollKind.CONSENT:
        return _consent(spec, [b for _voter, b in ballots], base, weights)
    if weights is not None:
        order = counting.tiebreak_order(tiebreak_seed(number, spec.question), spec.options)
        count = weighted.count_weighted(spec.method, spec.options, [b for _voter, b in ballots],
                                        weights, order)
        figures = count.totals
    else:
        count, figures = _count(spec, number, [b for _voter, b in ballots])
    labels = spec.options
    tallies = tuple((labels[i], weighted.shown(figures[i])) for i in count.order)
    tied = tuple(labels[i] for i in count.tied)
    short = _quorum_short(spec, voted, eligible)
    if short:
        return Outcome(summary=_("No decision: not enough people voted."), reason=short,
                       tallies=tallies, story=count.story, **base)
    winner = count.winner
    if winner is None:
        return Outcome(summary=_("No decision."), reason=_("No option got any support."),
                       tallies=tallies, story=count.story, **base)
    name = labels[winner]
    tie_note = ""
    if tied:
        tie_note = " " + _("{names} were tied; the poll's published tie-break order put {name} "
                           "first.").format(names=join_names(tied), name=name)
    wins = _("{name} wins.").format(name=name)
    if spec.threshold is not None:
        share = 100 * count.totals[winner] / voted
        figures = {"name": name, "share": f"{share:.0f}", "needed": f"{spec.threshold:g}"}
        if share + 1e-9 < spec.threshold:
            return Outcome(
                summary=_("No decision: no option reached the threshold."),
                reason=_("{name} had the most support, {share}% of ballots, but this poll "
                         "needed {needed}%.").format(**figures) + tie_note,
                passed=False, tallies=tallies, story=count.story, tied=tied, **base)
        return Outcome(
            summary=wins,
            reason=_("{name} has {share}% of ballots, meeting the {needed}% threshold.").format(
                **figures) + tie_note,
            winners=(name,), passed=True, tallies=tallies, story=count.story, tied=tied, **base)
    if weights is not None:
        reason = _weighted_reason(spec.method, name, weighted.shown(count.totals[winner]),
                                  count.ballots)
    else:
        reason = _win_reason(spec, name, count, winner)
    return Outcome(
        summary=wins,
        reason=reason + tie_note,
        winners=(name,), tallies=tallies, story=count.story, tied=tied, **base)


def first_option(spec: PollSpec, number: int, ballots: list[Ballot]) -> int | None:
    """The option that comes first when only these ballots are counted (ties: the draw)."""
    return _count(spec, number, ballots)[0].winner


def _count(spec: PollSpec, number: int,
           ballots: list[Ballot]) -> tuple[counting.Count, Sequence[float]]:
    """The count, and the figure shown per option: its total, or under Schulze its place
    (the number of head-to-head wins can leave a winner by the draw with none)."""
    labels = spec.options
    order = counting.tiebreak_order(tiebreak_seed(number, spec.question), labels)
    method = spec.method
    if method is Method.PLURALITY:
        count = counting.count_plurality(labels, (b.picks[0] for b in ballots if b.picks), order)
    elif method is Method.APPROVAL:
        count = counting.count_approval(labels, (b.picks for b in ballots), order)
    elif method is Method.SCORE:
        count = counting.count_score(labels, (dict(b.points) for b in ballots), order)
    elif method is Method.DOTS:
        count = counting.count_dots(labels, (dict(b.points) for b in ballots), order)
    elif method is Method.BORDA:
        count = ranked.count_borda(labels, (b.picks for b in ballots), order)
    elif method is Method.IRV:
        count = ranked.count_irv(labels, (b.picks for b in ballots), order)
    else:
        return ranked.count_schulze_places(labels, (b.picks for b in ballots), order)
    return count, count.totals


def _win_reason(spec: PollSpec, name: str, count: counting.Count, winner: int) -> str:
    said = {"name": name, "figure": f"{weighted.shown(count.totals[winner]):g}",
            "ballots": count.ballots}
    if spec.method is Method.PLURALITY:
        words = _("{name} has the most votes: {figure} of {ballots}.")
    elif spec.method is Method.APPROVAL:
        words = _("{name} has the most support: {figure} of {ballots} people chose it.")
    elif spec.method is Method.SCHULZE:
        words = _("{name} comes first when every pair of options is compared.")
    elif spec.method is Method.IRV:
        words = _("{name} won the instant runoff.")
    elif spec.method in (Method.BORDA, Method.SCORE):
        words = _("{name} has the most points: {figure}.")
    else:
        words = _("{name} has the most dots: {figure}.")
    return words.format(**said)


def _weighted_reason(method: Method, name: str, figure: float, ballots: int) -> str:
    """Why the winner won under equal group weight, with the note on weights."""
    if method is Method.PLURALITY:
        words = _("{name} has the most weighted votes: {figure} of {ballots}.")
    elif method is Method.APPROVAL:
        words = _("{name} has the most weighted supporters: {figure} of {ballots}.")
    elif method is Method.SCORE:
        words = _("{name} has the most weighted points: {figure} of {ballots}.")
    else:
        words = _("{name} has the most weighted dots: {figure} of {ballots}.")
    return (words.format(name=name, figure=f"{figure:g}", ballots=ballots) + " "
            + _(weighted.WEIGHTED_NOTE))


def _quorum_short(spec: PollSpec, voted: int, eligible: int) -> str | None:
    if spec.quorum is None:
        return None
    needed = spec.quorum.needed(eligible)
    if voted >= needed:
        return None
    return _("{voted} of {eligible} members voted, and it needed at least {needed} "
             "({quorum}) for the result to count.").format(
        voted=voted, eligible=eligible, needed=needed, quorum=spec.quorum.describe())


def _consent(spec: PollSpec, ballots: list[Ballot], base: dict,
             weights: Sequence[Fraction] | None = None) -> Outcome:
    totals = weighted.stance_totals(ballots, weights)
    blocks = sum(1 for b in ballots if b.stance is Stance.BLOCK)
    tallies = tuple((stance.value, weighted.shown(totals[stance])) for stance in Stance)
    if weights is None:
        story = counting.count_consent([b.stance.value for b in ballots if b.stance]).story
    else:
        shown = [figure for _label, figure in tallies]
        story = (f"{counting.stances_line(*shown)} {_(weighted.WEIGHTED_NOTE)}",)
    # Sorted, so the order of reasons says nothing about the order of votes.
    reasons = tuple(sorted((b.stance.value, b.reason) for b in ballots
                           if b.reason and b.stance in (Stance.BLOCK, Stance.DISAGREE)))
    common = {"tallies": tallies, "story": story, "reasons": reasons, **base}
    short = _quorum_short(spec, len(ballots), base["eligible"])
    if short:
        return Outcome(summary=_("No decision: not enough people voted."), reason=short,
                       passed=False, **common)
    if blocks and spec.rule is not Rule.CONSENT:
        return Outcome(summary=_("Not passed: blocked."),
                       reason=ngettext(
                           "{n} person blocked, and a proposal with a block does not pass. "
                           "The reasons are below.",
                           "{n} people blocked, and a proposal with a block does not pass. "
                           "The reasons are below.", blocks).format(n=blocks),
                       passed=False, **common)
    agree, sided = totals[Stance.AGREE], totals[Stance.AGREE] + totals[Stance.DISAGREE]
    # Under the consent rule blocks are set aside here; bot.coproduction.answers holds the
    # proposal until the person who proposed it has answered each one.
    lead = ""
    if blocks:
        lead = (ngettext("{n} person blocked.", "{n} people blocked.", blocks).format(n=blocks)
                + " " + _("Under the consent rule, a block is settled once the person who "
                          "proposed it answers it.") + " ")
    if sided == 0:
        # Nobody took a side, so there is no share to compare (and nothing to divide by).
        reason = (lead + _("Apart from the blocks, nobody agreed or disagreed.") if blocks
                  else _("Nobody agreed: everyone abstained."))
        return Outcome(summary=_("Not passed."), reason=reason, passed=False, **common)
    share = 100 * agree / sided
    said = {"agree": f"{weighted.shown(agree):g}", "sided": f"{weighted.shown(sided):g}",
            "share": f"{float(share):.0f}"}
    if spec.threshold is not None:
        passed = share >= Fraction(spec.threshold).limit_denominator(10**6)
        said["needed"] = f"{spec.threshold:g}"
    else:
        passed = agree > totals[Stance.DISAGREE]
    summary = _("Passed.") if passed else _("Not passed.")
    words = _share_words(bool(blocks), passed, spec.threshold is not None)
    return Outcome(summary=summary, reason=lead + words.format(**said), passed=passed, **common)


def _share_words(blocks: bool, passed: bool, threshold: bool) -> str:
    """How many who took a side agreed, against what was needed (placeholders to fill)."""
    if blocks:
        if threshold:
            return (_("Apart from the blocks, {agree} of {sided} who took a side agreed "
                      "({share}%), meeting the at least {needed}% needed.") if passed else
                    _("Apart from the blocks, {agree} of {sided} who took a side agreed "
                      "({share}%), short of the at least {needed}% needed."))
        return (_("Apart from the blocks, {agree} of {sided} who took a side agreed "
                  "({share}%), meeting the more than half needed.") if passed else
                _("Apart from the blocks, {agree} of {sided} who took a side agreed "
                  "({share}%), short of the more than half needed."))
    if threshold:
        return (_("No blocks; {agree} of {sided} who took a side agreed ({share}%), meeting "
                  "the at least {needed}% needed.") if passed else
                _("No blocks; {agree} of {sided} who took a side agreed ({share}%), short of "
                  "the at least {needed}% needed."))
    return (_("No blocks; {agree} of {sided} who took a side agreed ({share}%), meeting the "
              "more than half needed.") if passed else
            _("No blocks; {agree} of {sided} who took a side agreed ({share}%), short of the "
              "more than half needed."))
