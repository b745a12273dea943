"""Outcomes in plain words: winners, thresholds, quorum, consent and ties."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.commands import CreatePoll
from bot.counting.outcome import decide
from bot.model import Actor, Ballot, SpaceRef, Stance
from bot.polls.kinds import build_spec

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def spec(*options: str, **kw):
    return build_spec(CreatePoll(ACTOR, SPACE, question="Q?", options=options, **kw), NOW, "UTC")


def picks(*indices: int):
    return [(None, Ballot(picks=(i,))) for i in indices]


def test_plurality_winner_with_numbers():
    out = decide(spec("Library", "Park"), 1, picks(1, 1, 0), eligible=5)
    assert out.summary == "Park wins."
    assert out.winners == ("Park",)
    assert out.tallies == (("Park", 2), ("Library", 1))
    assert "2 of 3" in out.reason
    assert (out.voted, out.eligible) == (3, 5)


def test_tie_is_shown_and_broken_by_the_published_draw():
    out = decide(spec("Library", "Park"), 1, picks(0, 1), eligible=2)
    assert set(out.tied) == {"Library", "Park"}
    assert "tied" in out.reason and out.winners[0] in out.reason


def test_threshold_not_met_means_no_decision():
    out = decide(spec("A", "B", "C", threshold="60%"), 1, picks(0, 0, 1, 2), eligible=4)
    assert out.passed is False and out.winners == ()
    assert "50%" in out.reason and "60%" in out.reason


def test_quorum_not_met_names_the_numbers():
    out = decide(spec("A", "B", quorum="50%"), 1, picks(0, 0), eligible=7)
    assert out.winners == ()
    assert "2 of 7" in out.reason and "needed at least 4" in out.reason


def test_a_block_stops_a_proposal_and_its_reason_is_shown_without_a_name():
    ballots = [(None, Ballot(stance=Stance.AGREE))] * 5 + [
        (None, Ballot(stance=Stance.BLOCK, reason="it excludes night workers"))]
    out = decide(spec(kind="consent"), 1, ballots, eligible=8)
    assert out.passed is False and "blocked" in out.summary
    assert out.reasons == (("block", "it excludes night workers"),)


def test_proposal_passes_with_more_agree_than_disagree():
    ballots = [(None, Ballot(stance=Stance.AGREE))] * 3 + [(None, Ballot(stance=Stance.DISAGREE))]
    out = decide(spec(kind="consent"), 1, ballots, eligible=4)
    assert out.passed is True and out.summary == "Passed."
    assert "3 of 4" in out.reason


def test_nobody_voted():
    out = decide(spec("A", "B"), 1, [], eligible=3)
    assert out.summary == "No decision." and out.reason == "Nobody voted."


def test_open_poll_shows_who_chose_what():
    out = decide(spec("A", "B", anonymous=False), 1, [("bob", Ballot(picks=(1,)))], eligible=3)
    assert out.voters == (("bob", "B"),)
