"""Outcomes of Schulze polls give places (issue 14); other ranked methods keep their figures.

The bars and words built from these are tested in tests/bot/polls/test_ranked_card.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.commands import CreatePoll
from bot.counting.outcome import UNITS, decide, first_option
from bot.model import Actor, Ballot, Method, SpaceRef
from bot.polls.kinds import build_spec

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def ranked(method: str):
    return build_spec(CreatePoll(ACTOR, SPACE, question="Q?", options=("A", "B", "C"),
                                 kind="ranked", method=method), NOW, "UTC")


def test_a_schulze_outcome_gives_places_not_wins():
    out = decide(ranked("schulze"), 1, [(None, Ballot(picks=(2, 0, 1)))] * 2
                 + [(None, Ballot(picks=(0, 1, 2)))], eligible=3)
    assert out.unit == "place"
    assert out.tallies == (("C", 1), ("A", 2), ("B", 3))
    assert out.summary == "C wins."


def test_other_ranked_outcomes_keep_their_figures():
    ballots = [(None, Ballot(picks=(2, 0, 1)))] * 2 + [(None, Ballot(picks=(0, 2, 1)))]
    borda = decide(ranked("borda"), 1, ballots, eligible=3)
    irv = decide(ranked("irv"), 1, ballots, eligible=3)
    assert borda.unit == "points" and borda.tallies == (("C", 5), ("A", 4), ("B", 0))
    assert irv.unit == "votes in the last round they were in"
    assert irv.tallies == (("C", 2), ("A", 1), ("B", 0))


def test_a_winner_by_the_draw_has_the_best_place_in_the_outcome():
    # A ties B and C; B beats C. A and B could each have won, so both have best place 1.
    # This poll's draw lists B, C, A: B wins, then A and C are left level and the draw puts
    # C 2nd. A is listed 3rd, though it could have won.
    spec = ranked("schulze")
    ballots = [Ballot(picks=(0, 1, 2)), Ballot(picks=(1, 2, 0))]
    out = decide(spec, 1, [(None, b) for b in ballots], eligible=2)
    assert out.winners == ("B",) and out.tied == ("A", "B")
    assert out.tallies == (("B", 1), ("C", 2), ("A", 1))
    assert first_option(spec, 1, ballots) == 1
    assert UNITS[Method.SCHULZE] == "place"
