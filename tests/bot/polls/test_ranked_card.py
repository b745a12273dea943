"""A ranked poll's outcome card (issue 14): the winner's place is clear from the bars and
the words beside them, whichever way the count went.

The case that started it: a pairwise (Schulze) count where the winner beats nobody head to
head and wins only by the draw, shown with an empty bar and "0 wins" next to a loser
with a full bar.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cards import Bar, Items, Note, Text
from bot.commands import CreatePoll
from bot.counting.outcome import decide
from bot.model import Actor, Ballot, Poll, PollStatus, SpaceRef
from bot.polls.kinds import build_spec
from bot.polls.views import ordinal, outcome_card, place_bars

ACTOR = Actor("console", "local", "alice", "alice")
SPACE = SpaceRef("console", "local", "playground")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
QUESTION = "Where should we meet?"
NUMBER = 3


def drawn(labels: tuple[str, ...]) -> list[str]:
    """The poll's published draw (docs/counting.md), recomputed."""
    return sorted(labels, key=lambda label: hashlib.sha256(
        f"poll {NUMBER}: {QUESTION}\n{label}".encode()).hexdigest())


def card_for(options: tuple[str, ...], rankings: list[tuple[int, ...]], method: str):
    spec = build_spec(CreatePoll(ACTOR, SPACE, question=QUESTION, options=options,
                                 kind="ranked", method=method), NOW, "UTC")
    outcome = decide(spec, NUMBER, [(None, Ballot(picks=r)) for r in rankings],
                     eligible=len(rankings))
    poll = Poll(1, SPACE, NUMBER, ACTOR.key, spec, PollStatus.CLOSED, NOW, NOW)
    return outcome, outcome_card(poll, outcome)


def bars(card) -> list[Bar]:
    return [line for line in card.lines if isinstance(line, Bar)]


def words(card) -> str:
    """Every sentence on the card, as one text."""
    parts = []
    for line in card.lines:
        if isinstance(line, Text | Note):
            parts.append(line.text)
        elif isinstance(line, Items):
            parts.extend(line.items)
    return " ".join(parts)


def test_a_winner_by_the_draw_shows_first_place_not_an_empty_bar():
    # Three options listed in draw order: the first ties both others head to head, the
    # second beats the third. The first and second tie for first; the draw picks the first,
    # which has no head-to-head win at all.
    first, second, third = drawn(("Park", "Café", "Pier"))
    options = ("Park", "Café", "Pier")
    a, b, c = (options.index(x) for x in (first, second, third))
    outcome, card = card_for(options, [(a, b, c), (b, c, a)], "schulze")
    assert outcome.winners == (first,)
    rows = bars(card)
    assert [row.label for row in rows] == [first, second, third]
    # The winner's bar is full and the longest; each figure says the place in words.
    assert rows[0].value == rows[0].maximum
    assert rows[0].value > rows[1].value > rows[2].value > 0
    assert rows[0].figure == f"1st place (tie with {second}, settled by the draw order)"
    assert rows[1].figure == f"2nd place (tie with {first}, settled by the draw order)"
    assert rows[2].figure == "3rd place"
    assert not any("wins" in row.figure for row in rows)
    assert ("Places come from comparing the options two at a time. When two options can't "
            "be split that way, the draw order settles which goes first.") in words(card)


def test_places_come_from_comparing_options_two_at_a_time():
    # Library beats both head to head; Park beats Pier.
    _outcome, card = card_for(("Library", "Park", "Pier"),
                             [(0, 1, 2), (0, 1, 2), (1, 2, 0)], "schulze")
    assert [(row.label, row.figure) for row in bars(card)] == [
        ("Library", "1st place"), ("Park", "2nd place"), ("Pier", "3rd place")]
    # Said in plain words, without the method's name; nothing was tied, so no draw.
    text = words(card)
    assert "Places come from comparing the options two at a time." in text
    assert "draw order settles" not in text
    assert "Schulze" not in text and "path" not in text


@settings(max_examples=80, deadline=None)
@given(method=st.sampled_from(["schulze", "irv", "borda"]),
       rankings=st.lists(st.permutations(range(4)).flatmap(
           lambda order: st.integers(1, 4).map(lambda k: tuple(order[:k]))),
           min_size=1, max_size=12))
def test_the_winner_never_looks_like_it_lost(method, rankings):
    outcome, card = card_for(("Library", "Park", "Pier", "Café"), rankings, method)
    rows = bars(card)
    assert rows[0].label == outcome.winners[0]
    assert all(rows[0].value >= row.value for row in rows)
    assert rows[0].value > 0


def test_each_place_names_the_options_it_could_have_swapped_with():
    # Best places from bot.counting.ranked: A and C tied for first, the draw listed B (which
    # only A beats) before C, and D and E tied for last.
    lines = place_bars((("A", 1), ("B", 2), ("C", 1), ("D", 4), ("E", 4)))
    assert [(bar.label, bar.value, bar.maximum, bar.figure) for bar in lines[:-1]] == [
        ("A", 5, 5, "1st place (tie with C, settled by the draw order)"),
        ("B", 4, 5, "2nd place (tie with C, settled by the draw order)"),
        ("C", 3, 5, "3rd place (tie with A and B, settled by the draw order)"),
        ("D", 2, 5, "4th place (tie with E, settled by the draw order)"),
        ("E", 1, 5, "5th place (tie with D, settled by the draw order)"),
    ]
    assert isinstance(lines[-1], Note) and "draw order settles" in lines[-1].text


def test_places_are_written_as_people_say_them():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 20, 21, 22, 23)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "20th", "21st", "22nd", "23rd"]
