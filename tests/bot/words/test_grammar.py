"""The text grammar: what people type becomes the right command, or a helpful refusal."""

from __future__ import annotations

import pytest

from bot.commands import CastVote, ClosePoll, CreatePoll, Help, ListDecisions, ListPolls
from bot.errors import BadInput
from bot.model import Actor, SpaceRef
from bot.parsing import tokenize
from bot.service import parse

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")


def p(text: str):
    return parse(text, ACTOR, SPACE)


def test_poll_with_flags():
    cmd = p('poll "Where should PeerFest be?" "Library" "Park" "Town hall" --kind ranked '
            "--closes 2d --method irv --quorum 50% --show-results")
    assert isinstance(cmd, CreatePoll)
    assert cmd.question == "Where should PeerFest be?"
    assert cmd.options == ("Library", "Park", "Town hall")
    assert (cmd.kind, cmd.method, cmd.closes, cmd.quorum) == ("ranked", "irv", "2d", "50%")
    assert cmd.show_results is True and cmd.anonymous is True


def test_closes_takes_a_day_and_a_time():
    cmd = p('poll "Q?" "A" "B" --closes friday 17:00 --open')
    assert cmd.closes == "friday 17:00"
    assert cmd.anonymous is False


def test_curly_quotes_from_phones_work_and_apostrophes_are_letters():
    cmd = p("poll “What’s for lunch?” “Soup” “Pie”")
    assert cmd.question == "What’s for lunch?".replace("’", "'")
    assert cmd.options == ("Soup", "Pie")
    vote = p("vote #1 block I don't think it's fair")
    assert vote.choices == ("block", "I", "don't", "think", "it's", "fair")


def test_propose_is_a_consent_poll():
    cmd = p('propose "Meet on Thursdays" --threshold 60%')
    assert cmd.kind == "consent" and cmd.options == () and cmd.threshold == "60%"


def test_vote_results_close_and_lists():
    assert p("vote #4 3 1 5") == CastVote(ACTOR, SPACE, poll=4, choices=("3", "1", "5"))
    assert p("VOTE 4 2").poll == 4
    assert p("close #2") == ClosePoll(ACTOR, SPACE, poll=2)
    assert isinstance(p("polls"), ListPolls)
    assert p("decisions 20") == ListDecisions(ACTOR, SPACE, limit=20)
    assert p("help poll") == Help(ACTOR, SPACE, topic="poll")
    assert isinstance(p(""), Help)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ('poll "Unclosed "A" "B"', "not closed"),
        ("frobnicate", "Type help"),
        ('poll "Q?" "A" "B" --colour red', "--kind"),
        ('poll "Q?" "A" "B" --closes', "needs a value"),
        ("vote", "vote #1 2"),
        ("vote first 2", "a number like #1"),
        ("close", "close #1"),
        ('propose "A" "B"', "one piece of text"),
        ('poll "Q?" "A" "B" --max-picks two', "whole number"),
        ("poll --kind ranked", "question first"),
        ("decisions 0", "decisions 20"),
        ('poll "Q" "A" "B" --open --anonymous', "either --open or --anonymous"),
    ],
)
def test_malformed_commands_say_how_to_write_them(text, hint):
    with pytest.raises(BadInput) as caught:
        p(text)
    assert hint in caught.value.message


def test_hash_is_not_a_comment():
    assert tokenize("vote #1 2") == ["vote", "#1", "2"]
