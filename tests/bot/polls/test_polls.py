"""Checking new polls and reading ballots: every mistake gets a message that helps."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.commands import CreatePoll
from bot.errors import BadInput
from bot.model import Actor, Ballot, Method, PollKind, SpaceRef, Stance
from bot.polls.ballots import parse_ballot, vote_example
from bot.polls.kinds import build_spec

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def spec(*options: str, **kw):
    return build_spec(CreatePoll(ACTOR, SPACE, question=kw.pop("question", "Q?"),
                                 options=options, **kw), NOW, "UTC")


def test_defaults_anonymous_hidden_and_the_right_method():
    s = spec("A", "B", kind="ranked")
    assert s.kind is PollKind.RANKED and s.method is Method.SCHULZE
    assert s.anonymous and not s.show_results
    assert spec("A", "B", anonymous=False).show_results
    assert spec(kind="consent").options == ("agree", "abstain", "disagree", "block")


@pytest.mark.parametrize(
    ("options", "kw", "hint"),
    [
        (("A",), {}, "at least 2 options"),
        (tuple(f"O{i}" for i in range(21)), {}, "at most 20"),
        (("Park", "park"), {}, "appears twice"),
        (("A", "x" * 81), {}, "keep each option to 80"),
        (("A", "B"), {"kind": "tournament"}, "don't know the poll kind"),
        (("A", "B"), {"kind": "choice", "method": "irv"}, "only applies to ranked"),
        (("A", "B"), {"kind": "ranked", "method": "coinflip"}, "schulze"),
        (("A", "B"), {"kind": "ranked", "threshold": "60%"}, "--threshold works with"),
        (("A", "B"), {"threshold": "sixty"}, "percentage"),
        (("A", "B"), {"quorum": "lots"}, "--quorum 8"),
        (("A", "B"), {"closes": "2020-01-01 10:00"}, "already passed"),
        (("A", "B"), {"max_picks": 2}, "--kind multi"),
        (("A", "B"), {"kind": "dots", "dots": 0}, "between 1 and"),
        (("A", "B"), {"question": "   "}, "needs a question"),
    ],
)
def test_bad_polls_are_refused_with_a_way_forward(options, kw, hint):
    with pytest.raises(BadInput) as caught:
        spec(*options, **kw)
    assert hint in caught.value.message


def test_options_by_number_or_label_and_multi_word_labels():
    s = spec("Library", "Park", "Town hall")
    assert parse_ballot(s, ("2",)) == Ballot(picks=(1,))
    assert parse_ballot(s, ("town", "HALL")) == Ballot(picks=(2,))
    ranked = spec("Library", "Park", "Town hall", kind="ranked")
    assert parse_ballot(ranked, ("3", "Library")) == Ballot(picks=(2, 0))


def test_score_dots_and_consent_ballots():
    score = spec("A", "B", "C", kind="score")
    assert parse_ballot(score, ("1=5", "C=2")) == Ballot(points=((0, 5), (2, 2)))
    dots = spec("A", "B", kind="dots", dots=3)
    assert parse_ballot(dots, ("2=3",)) == Ballot(points=((1, 3),))
    consent = spec(kind="consent")
    assert parse_ballot(consent, ("block", "it", "excludes", "nights")) == Ballot(
        stance=Stance.BLOCK, reason="it excludes nights")
    assert parse_ballot(consent, ("agree", "loudly")) == Ballot(stance=Stance.AGREE)


@pytest.mark.parametrize(
    ("kind", "extra", "words", "hint"),
    [
        ("choice", {}, ("7",), "no option 7"),
        ("choice", {}, ("Moon",), "no option called"),
        ("ranked", {}, ("1", "2", "1"), "more than once"),
        ("score", {}, ("1=6",), "0 to 5"),
        ("score", {}, ("1=3", "1=4"), "more than one value"),
        ("score", {}, ("one", "five"), "couldn't read"),
        ("dots", {"dots": 3}, ("1=2", "2=2"), "3 dots"),
        ("multi", {"max_picks": 1}, ("1", "2"), "at most 1"),
        ("consent", {}, ("maybe",), "agree, abstain, disagree or block"),
        ("consent", {}, ("block",), "needs a reason"),
        ("choice", {}, (), "Say what you vote for"),
    ],
)
def test_bad_ballots_are_refused_with_an_example(kind, extra, words, hint):
    options = () if kind == "consent" else ("A", "B", "C")
    with pytest.raises(BadInput) as caught:
        parse_ballot(spec(*options, kind=kind, **extra), words)
    assert hint in caught.value.message


@pytest.mark.parametrize(
    ("kind", "words", "example"),
    [
        ("consent", ("maybe",), "vote #2 block it"),
        ("consent", ("block",), "vote #2 block it"),
        ("consent", (), "vote #2 agree"),
        ("ranked", ("1", "1"), "vote #2 3 1 2"),
        ("ranked", ("Moon", "1"), "no option called"),
        ("ranked", (), "vote #2 3 1 2"),
    ],
)
def test_ballot_errors_show_the_real_poll_and_an_example_of_its_kind(kind, words, example):
    options = () if kind == "consent" else ("A", "B", "C")
    with pytest.raises(BadInput) as caught:
        parse_ballot(spec(*options, kind=kind), words, "#2")
    message = caught.value.message
    assert example in message
    assert "#N" not in message and "#3" not in message and "#1" not in message


async def test_a_wrong_vote_is_answered_with_the_real_poll_number(driver):
    await driver.say('poll "Lunch?" "Soup" "Pie"')
    await driver.say('propose "Move the meeting to Thursdays"')
    out = await driver.say("bob: vote #2 block")
    assert "vote #2 block it" in out and "#3" not in out
    await driver.say('poll "Where?" "Library" "Park" "Town hall" --kind ranked')
    out = await driver.say("bob: vote #3 1 1")
    assert "vote #3 3 1 2" in out and "#N" not in out


@pytest.mark.parametrize(
    ("kind", "options", "extra", "example"),
    [
        ("ranked", ("A", "B"), {}, "vote #2 2 1"),
        ("multi", ("A", "B"), {}, "vote #2 1 2"),
        ("dots", ("A", "B", "C"), {"dots": 3}, "vote #2 1=2 2=1"),
        ("dots", ("A", "B"), {"dots": 1}, "vote #2 1=1"),
    ],
)
def test_vote_examples_fit_the_poll(kind, options, extra, example):
    s = spec(*options, kind=kind, **extra)
    assert vote_example(s, "#2").endswith(example)
    parse_ballot(s, tuple(example.split()[2:]))  # the example is a valid ballot


async def test_the_tie_break_order_is_on_the_card_before_anyone_votes_and_decides_a_tie(driver):
    # Issue 14: the outcome calls the draw published, so the card shows it before voting.
    out = await driver.say('poll "Which day?" "Monday" "Wednesday" "Friday"')
    shown = re.search(r"The draw order is options (\d), (\d), (\d)\.", out)
    assert shown, out
    first = ["Monday", "Wednesday", "Friday"][int(shown.group(1)) - 1]
    await driver.say("vote #1 1")
    await driver.say("bob: vote #1 2")
    await driver.say("carol: vote #1 3")
    out = await driver.say("close #1")
    assert f"the tie-break order puts {first} first" in out
