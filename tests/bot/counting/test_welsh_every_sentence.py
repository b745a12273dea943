"""Each variant of a sentence the counting wing writes, in English and in Welsh.

A sentence that used to be glued from pieces ("No blocks;" + "meeting" + "at least 60%")
is now one whole message per variant, so a translator sees it whole. Each variant is
pinned here in English (word for word as before) and shown to come out in Welsh.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import product

import pytest

from bot.counting.common import figure_words
from bot.counting.outcome import ballot_summary, decide, rule_words
from bot.counting.ranked import count_irv
from bot.counting.rules import GroupInfo, Tagged, decide_in_groups
from bot.counting.weighted import count_weighted
from bot.i18n import speaking
from bot.model import Ballot, Method, PollKind, PollSpec, Rule, Stance

PLACES = ("Park", "Library", "Afon")
LIVED = GroupInfo("lived", "Lived", 4)
STAFF = GroupInfo("staff", "Staff", 4)
#: Common English words that are not Welsh words.
ENGLISH = frozenset((
    "the", "and", "is", "are", "was", "were", "has", "have", "who", "what", "with", "wins",
    "won", "vote", "votes", "ballot", "ballots", "counted", "option", "options", "passed",
    "blocked", "nobody", "people", "round", "out", "tie", "tied", "first", "more", "than",
    "half", "reasons", "waiting", "needs", "every", "group", "must", "it", "if", "none",
    "weighted", "points", "dots", "supporters", "then", "agree", "block", "least"))
METHODS = {PollKind.CHOICE: Method.PLURALITY, PollKind.RANKED: Method.SCHULZE,
           PollKind.CONSENT: Method.CONSENT, PollKind.IDEAS: Method.IDEAS,
           PollKind.SCORE: Method.SCORE}


def _english(text: str) -> list[str]:
    for label in PLACES:
        text = text.replace(label, " ")
    return [word for word in re.findall(r"[A-Za-z']+", text) if word.casefold() in ENGLISH]


def _spec(kind: PollKind, **more) -> PollSpec:
    options = () if kind in (PollKind.CONSENT, PollKind.IDEAS) else PLACES
    return PollSpec("Where?", options, kind, METHODS[kind], **more)


def _stances(agree: int, disagree: int, block: int) -> list[tuple[None, Ballot]]:
    return ([(None, Ballot(stance=Stance.AGREE))] * agree
            + [(None, Ballot(stance=Stance.DISAGREE))] * disagree
            + [(None, Ballot(stance=Stance.BLOCK, reason="no"))] * block)


LEAD = ("1 person blocked. Under the consent rule, a block is settled once the person who "
        "proposed it answers it. ")


@pytest.mark.parametrize(("threshold", "counts", "english", "welsh"), [
    (None, (2, 1, 0), "No blocks; 2 of 3 who took a side agreed (67%), meeting the more than "
     "half needed.", "Roedd angen mwy na hanner, felly mae hynny'n ddigon."),
    (None, (1, 2, 0), "No blocks; 1 of 3 who took a side agreed (33%), short of the more than "
     "half needed.", "Roedd angen mwy na hanner, felly dydy hynny ddim yn ddigon."),
    (60, (2, 1, 0), "No blocks; 2 of 3 who took a side agreed (67%), meeting the at least 60% "
     "needed.", "Roedd angen o leiaf 60%, felly mae hynny'n ddigon."),
    (75, (2, 1, 0), "No blocks; 2 of 3 who took a side agreed (67%), short of the at least 75% "
     "needed.", "Roedd angen o leiaf 75%, felly dydy hynny ddim yn ddigon."),
    (None, (2, 1, 1), LEAD + "Apart from the blocks, 2 of 3 who took a side agreed (67%), "
     "meeting the more than half needed.", "Roedd angen mwy na hanner, felly mae hynny'n ddigon."),
    (None, (1, 2, 1), LEAD + "Apart from the blocks, 1 of 3 who took a side agreed (33%), "
     "short of the more than half needed.",
     "Roedd angen mwy na hanner, felly dydy hynny ddim yn ddigon."),
    (60, (2, 1, 1), LEAD + "Apart from the blocks, 2 of 3 who took a side agreed (67%), "
     "meeting the at least 60% needed.", "Roedd angen o leiaf 60%, felly mae hynny'n ddigon."),
    (75, (2, 1, 1), LEAD + "Apart from the blocks, 2 of 3 who took a side agreed (67%), "
     "short of the at least 75% needed.",
     "Roedd angen o leiaf 75%, felly dydy hynny ddim yn ddigon."),
])
def test_every_proposal_reason_in_english_and_welsh(threshold, counts, english, welsh):
    spec = _spec(PollKind.CONSENT, rule=Rule.CONSENT, threshold=threshold)
    with speaking("en"):
        told = decide(spec, 1, _stances(*counts), 9)
    with speaking("cy"):
        said = decide(spec, 1, _stances(*counts), 9)
    assert told.reason == english
    assert said.reason.endswith(welsh) and _english(said.reason) == []
    blocks = counts[2]
    assert said.reason.startswith("Blociodd 1 person." if blocks else "Dim blociau.")


def test_a_ranked_parity_rule_with_a_threshold_in_english():
    spec = _spec(PollKind.RANKED, rule=Rule.PARITY, threshold=60)
    assert rule_words(spec) == ("the top option needs at least 60% of the votes, and it must "
                                "come first in every group that votes")


@pytest.mark.parametrize(("kind", "rule", "threshold"), list(product(
    (PollKind.CHOICE, PollKind.RANKED, PollKind.CONSENT, PollKind.IDEAS),
    tuple(Rule), (None, 60.0))))
def test_every_rule_in_welsh(kind, rule, threshold):
    spec = _spec(kind, rule=rule, threshold=threshold)
    with speaking("cy"):
        said = rule_words(spec)
    with speaking("en"):
        told = rule_words(spec)
    assert said != told and _english(said) == []
    assert ("60%" in said) == ("60%" in told)


@pytest.mark.parametrize(("picks", "english", "welsh"), [
    ((), "", ""),
    ((2,), "Afon", "Afon"),
    ((0, 1, 2), "Park, then Library, then Afon", "Park, yna Library, yna Afon"),
])
def test_a_ranked_ballot_in_a_few_words(picks, english, welsh):
    spec = _spec(PollKind.RANKED)
    with speaking("en"):
        assert ballot_summary(spec, Ballot(picks=picks)) == english
    with speaking("cy"):
        assert ballot_summary(spec, Ballot(picks=picks)) == welsh


def test_a_stance_in_a_few_words_is_welsh():
    spec = _spec(PollKind.CONSENT)
    with speaking("cy"):
        assert ballot_summary(spec, Ballot(stance=Stance.BLOCK, reason="too far")) == (
            "blocio (too far)")
        assert ballot_summary(spec, Ballot(stance=Stance.AGREE)) == "cytuno"


@pytest.mark.parametrize(("method", "english", "welsh"), [
    (Method.PLURALITY, "Weighted votes: Park 2, Library 0, Afon 0.",
     "Pleidleisiau wedi'u pwysoli: Park 2, Library 0, Afon 0."),
    (Method.APPROVAL, "Weighted supporters: Park 2, Library 0, Afon 0.",
     "Cefnogwyr wedi'u pwysoli: Park 2, Library 0, Afon 0."),
    (Method.SCORE, "Weighted points: Park 2, Library 0, Afon 0.",
     "Pwyntiau wedi'u pwysoli: Park 2, Library 0, Afon 0."),
    (Method.DOTS, "Weighted dots: Park 2, Library 0, Afon 0.",
     "Dotiau wedi'u pwysoli: Park 2, Library 0, Afon 0."),
])
def test_every_weighted_heading_in_english_and_welsh(method, english, welsh):
    ballot = (Ballot(points=((0, 1),)) if method in (Method.SCORE, Method.DOTS)
              else Ballot(picks=(0,)))
    args = (method, PLACES, [ballot, ballot], [Fraction(1), Fraction(1)], (0, 1, 2))
    with speaking("en"):
        told = count_weighted(*args).story
    with speaking("cy"):
        said = count_weighted(*args).story
    assert (told[1], said[1]) == (english, welsh)


def _tagged(picks: tuple[int, ...], group: GroupInfo) -> Tagged:
    return Tagged(Ballot(picks=picks), frozenset({group.slug}))


def test_a_group_of_one_ballot_says_ballot_once():
    spec = _spec(PollKind.CHOICE)
    ballots = [_tagged((0,), STAFF), _tagged((0,), LIVED), _tagged((1,), LIVED)]
    with speaking("en"):
        told = decide_in_groups(spec, 1, ballots, 8, [STAFF, LIVED], min_group_size=1)
    with speaking("cy"):
        said = decide_in_groups(spec, 1, ballots, 8, [STAFF, LIVED], min_group_size=1)
    assert told.groups[0] == ("Staff", "1 ballot: Park 1, Library 0, Afon 0")
    assert told.groups[1] == ("Lived", "2 ballots: Park 1, Library 1, Afon 0")
    assert said.groups[0] == ("Staff", "1 bleidlais: Park 1, Library 0, Afon 0")
    assert said.groups[1] == ("Lived", "2 bleidlais: Park 1, Library 1, Afon 0")


def test_ranked_parity_failing_in_a_group_of_one_ballot():
    spec = _spec(PollKind.RANKED, rule=Rule.PARITY)
    ballots = [_tagged((0, 1, 2), STAFF)] * 3 + [_tagged((1, 0, 2), LIVED)]
    with speaking("en"):
        told = decide_in_groups(spec, 1, ballots, 8, [STAFF, LIVED], min_group_size=1)
    with speaking("cy"):
        said = decide_in_groups(spec, 1, ballots, 8, [STAFF, LIVED], min_group_size=1)
    assert told.summary == ("No decision: Park was not first in Lived (counting its 1 ballot); "
                            "the rule needs the winner to come first in every group.")
    assert told.groups[1] == ("Lived", "1 ballot; their first choice: Library; it did not win "
                                       "here")
    assert said.summary == ("Dim penderfyniad: doedd Park ddim yn gyntaf yn y grŵp Lived (o "
                            "gyfrif ei 1 bleidlais); mae'r rheol yn gofyn i'r enillydd ddod "
                            "yn gyntaf ym mhob grŵp.")
    assert said.groups[1] == ("Lived", "1 bleidlais; eu dewis cyntaf: Library; wnaeth e ddim "
                                       "ennill yma")


def test_a_group_whose_ranked_ballots_name_nothing_has_no_first_choice():
    spec = _spec(PollKind.RANKED)
    ballots = [_tagged((), LIVED)]
    with speaking("en"):
        told = decide_in_groups(spec, 1, ballots, 8, [LIVED], min_group_size=1)
    with speaking("cy"):
        said = decide_in_groups(spec, 1, ballots, 8, [LIVED], min_group_size=1)
    assert told.groups == (("Lived", "1 ballot; their first choice: none"),)
    assert said.groups == (("Lived", "1 bleidlais; eu dewis cyntaf: dim un"),)


def test_a_figure_with_a_fraction_takes_the_plural_form():
    with speaking("en"):
        assert figure_words("votes", 1.5) == "1.5 votes"
        assert figure_words("weighted votes", 1) == "1 weighted votes"
    with speaking("cy"):
        assert figure_words("votes", 2.5) == "2.5 pleidlais"
        assert figure_words("weighted votes", 2.5) == "2.5 o bleidleisiau wedi'u pwysoli"
        assert figure_words("weighted votes", 1) == "1 bleidlais wedi'i phwysoli"


@pytest.mark.parametrize("unit", ["votes", "supporters", "approvals", "points", "dots", "ideas",
                                  "votes in the last round they were in", "weighted votes",
                                  "weighted supporters", "weighted points", "weighted dots"])
def test_every_unit_is_said_in_welsh(unit):
    with speaking("cy"):
        said = [figure_words(unit, n) for n in (0, 1, 2, 3, 6, 7)]
    assert all(text.startswith(str(n)) for text, n in zip(said, (0, 1, 2, 3, 6, 7), strict=True))
    assert [text for text in said if _english(text)] == []


def test_an_instant_runoff_story_is_welsh_throughout():
    ballots = [(0,), (0,), (1,), (1,), (2, 3), (3, 2), (2,), (3,)]
    with speaking("cy"):
        story = count_irv(("A", "B", "C", "D"), ballots).story
    assert story[1] == ("Rownd 1: A 2, B 2, C 2, D 2. Mae D allan (cyfartal ar y gwaelod; trefn "
                        "yr hap-ddewis sy'n penderfynu); mae 1 bleidlais (o 2) yn symud "
                        "ymlaen; does dim dewis arall ar 1 bleidlais, felly mae hi allan.")
    assert [line for line in story if _english(line)] == []
