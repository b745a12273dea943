"""The core's own words in Welsh: errors, the fault apology, the anonymity promise, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.anonymity import OPEN_POLL_NOTE, PROMISE, PROMISE_FULL
from bot.errors import BadInput, PollClosed
from bot.i18n import _, speaking
from bot.model import (
    Actor,
    Method,
    PollKind,
    Quorum,
    SpaceRef,
    Stance,
    kind_name,
    method_name,
    stance_name,
)
from bot.service import parse
from bot.timeparse import describe_duration, format_local, parse_when
from bot.voice_model import ContributionKind, contribution_name

SPACE = SpaceRef("console", "local", "general")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WELSH_TITLE = "Wnaeth hynny ddim gweithio"


async def test_a_bad_closing_time_is_explained_in_welsh_to_a_welsh_reader(driver) -> None:
    await driver.say("alice: language cy")
    said = await driver.say('alice: poll "Cinio?" "Cawl" "Pastai" --closes yesterday')
    assert WELSH_TITLE in said
    assert "Doeddwn i ddim yn gallu darllen 'yesterday' fel amser cau." in said
    assert "Ysgrifennwch hyd fel 90m" in said
    assert "couldn't read" not in said and "That didn't work" not in said
    # Someone who did not choose Welsh still reads English.
    said = await driver.say('bob: poll "Lunch?" "Soup" "Pie" --closes yesterday')
    assert "That didn't work" in said
    assert "I couldn't read 'yesterday' as a closing time. Write a length of time" in said


async def test_the_fault_apology_is_in_the_readers_language(driver, monkeypatch) -> None:
    async def broken(space):
        raise RuntimeError("the database is down")

    await driver.say("alice: language cy")
    monkeypatch.setattr(driver.core.store, "open_polls", broken)
    said = await driver.say("alice: polls")
    assert "Mae'n ddrwg gennym, aeth rhywbeth o'i le" in said
    assert "Rhowch gynnig arall arni mewn munud." in said
    assert "Sorry" not in said
    assert "Sorry, something went wrong" in await driver.say("bob: polls")


async def test_a_typed_command_is_read_in_the_persons_language(core) -> None:
    welsh = Actor("console", "local", "dewi", locale="cy-GB")
    with pytest.raises(BadInput) as caught:
        await core.read("vote #x 1", welsh, SPACE)
    assert caught.value.message.startswith("Roeddwn i'n disgwyl rhif fel #1 ar ôl vote, nid '#x'.")
    # The reply around it is in the same language, even when written outside the command.
    reply = core.error_reply(welsh, SPACE, caught.value)
    assert reply.card.title == WELSH_TITLE
    english = Actor("console", "local", "erin")
    with pytest.raises(BadInput, match=r"I expected a number like #1 after vote, not '#x'\."):
        await core.read("vote #x 1", english, SPACE)
    assert isinstance(await core.read("polls", welsh, SPACE), type(parse("polls", welsh, SPACE)))


async def test_a_channel_command_sent_privately_is_refused_in_welsh(core) -> None:
    welsh = Actor("console", "local", "dewi", locale="cy")
    [reply] = await core.handle_private(parse('poll "Cinio?" "Cawl" "Pastai"', welsh, SPACE))
    assert reply.card.title == WELSH_TITLE


def test_the_anonymity_promise_is_in_welsh_for_a_welsh_reader() -> None:
    with speaking("cy"):
        assert _(PROMISE).startswith("Dienw: does neb yn gallu gweld beth ddewisoch chi.")
        assert "Ar ôl i'r bleidlais ddod i ben" in _(PROMISE_FULL)
        assert _(OPEN_POLL_NOTE).startswith("Pleidlais agored:")
    assert _(PROMISE).startswith("Anonymous: nobody can see what you chose.")


def test_errors_raised_while_speaking_welsh_are_welsh() -> None:
    with speaking("cy"):
        assert PollClosed().message == (
            "Mae'r bleidlais honno wedi cau, felly dydy hi ddim yn derbyn pleidleisiau mwyach.")
        with pytest.raises(BadInput, match=r"Mae'r amser hwnnw wedi mynd heibio'n barod\."):
            parse_when("2026-11-01 10:00", NOW, "Europe/London")
        with pytest.raises(BadInput, match="flwyddyn ar y mwyaf"):
            parse_when("400d", NOW, "Europe/London")
    assert PollClosed().message == "That poll has closed, so it is not taking votes any more."


def test_lengths_of_time_and_dates_follow_welsh_grammar() -> None:
    with speaking("cy"):
        assert [describe_duration(timedelta(days=n)) for n in (1, 2, 3)] == [
            "1 diwrnod", "2 ddiwrnod", "3 diwrnod"]
        assert describe_duration(timedelta(minutes=2)) == "2 funud"
        assert describe_duration(timedelta(seconds=5)) == "llai na munud"
        assert format_local(datetime(2026, 12, 4, 17, 0, tzinfo=UTC), "Europe/London") == (
            "Gwen 4 Rhag 2026 17:00 (Europe/London)")
    assert [describe_duration(timedelta(hours=n)) for n in (1, 3)] == ["1 hour", "3 hours"]
    assert format_local(datetime(2026, 12, 4, 17, 0, tzinfo=UTC), "Europe/London") == (
        "Fri 4 Dec 2026 17:00 (Europe/London)")


def test_quorums_and_names_in_welsh() -> None:
    with speaking("cy"):
        assert [Quorum(count=n).describe() for n in (1, 2, 3, 5)] == [
            "1 person", "2 berson", "3 pherson", "5 o bobl"]
        assert Quorum(percent=50).describe() == "50% o'r aelodau"
        assert stance_name(Stance.BLOCK) == "blocio"
        assert kind_name(PollKind.RANKED) == "trefn"
        assert method_name(Method.APPROVAL) == "cymeradwyo"
        assert contribution_name(ContributionKind.IDEA) == "syniad"
    assert [Quorum(count=n).describe() for n in (1, 2)] == ["1 person", "2 people"]
    assert Quorum(percent=12.5).describe() == "12.5% of members"
    assert [stance_name(s) for s in Stance] == [s.value for s in Stance]
    assert [kind_name(k) for k in PollKind] == [k.value for k in PollKind]
    assert [method_name(m) for m in Method] == [m.value for m in Method]
    assert [contribution_name(k) for k in ContributionKind] == [k.value for k in ContributionKind]
