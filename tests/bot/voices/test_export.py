"""export contributions in chat (issue 14, "Fair recognition"): a facilitator gets the
contribution record of this channel as a CSV file, privately; nobody else gets it."""

from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta

import pytest

from adapters.console.playground import Playground
from bot.commands import MembersSeen
from bot.effects import PrivateFile, Reply
from bot.model import Actor, SpaceRef
from bot.service import parse
from bot.voices.handlers import Spoke
from bot.voices.involvement import CSV_COLUMNS, involvement_csv, involvement_rows
from tests.conftest import Driver

SPACE = SpaceRef("console", "local", "playground")
OTHER = SpaceRef("console", "local", "elsewhere")


def person(name: str, facilitator: bool = False) -> Actor:
    roles = frozenset({"facilitator"}) if facilitator else frozenset()
    return Actor("console", "local", name, name, roles)


ALICE, BOB = person("alice", facilitator=True), person("bob")


@pytest.fixture
async def room(core, clock, tmp_path) -> Driver:
    """alice (a facilitator), bob and carol; files the playground saves go to ``files``."""
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", "bob", "carol"], write=lines.append,
                            files=tmp_path / "files")
    (tmp_path / "files").mkdir()
    await playground.start()
    return Driver(playground, lines)


async def ask(core, text: str, actor: Actor = ALICE, space: SpaceRef = SPACE) -> list:
    return await core.handle(parse(text, actor, space))


def table(effect: PrivateFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(effect.content.decode("utf-8"))))


async def _meeting(room: Driver) -> None:
    await room.say('poll "Where should PeerFest be?" "Library" "Park"')
    await room.say("bob: vote #1 Park")
    await room.say('bob: say "I can bring chairs"')
    await room.say('carol: say "count me in"')
    await room.say("carol: payments off")
    await room.say("close #1")


async def test_a_facilitator_gets_the_record_as_a_private_file_with_the_exports_columns(
        room, core, clock):
    await _meeting(room)
    [effect] = await ask(core, "export contributions")
    assert isinstance(effect, PrivateFile)
    assert effect.to == ALICE and effect.space == SPACE
    assert effect.filename.endswith(".csv")
    text = effect.content.decode("utf-8")
    # The same columns, and the same rows, as `roundtable export contributions --format csv`.
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == CSV_COLUMNS
    today = clock.now().date()
    assert text == involvement_csv(await involvement_rows(core.store, today - timedelta(days=29),
                                                          today))
    rows = {row["member"]: row for row in table(effect)}
    assert rows["console:local:bob"]["messages"] == "1"
    assert rows["console:local:bob"]["took_part_in_decisions"] == "1"
    assert rows["console:local:carol"]["payments"] == "no"
    # Counts only: never what anyone chose, never what anyone wrote.
    assert "Park" not in text and "chairs" not in text
    shown = " ".join([effect.card.title, *(getattr(line, "text", "") for line in
                                           effect.card.lines)])
    assert "3 people" in shown and "never shows what anyone chose" in shown
    # The bytes are not in the effect's repr, so a stray log line cannot carry them.
    assert "console:local:bob" not in repr(effect)


async def test_someone_who_is_not_a_facilitator_is_refused_politely(room, core):
    await _meeting(room)
    [effect] = await ask(core, "export contributions", BOB)
    assert isinstance(effect, Reply) and effect.failure == "refused"
    assert "Only a facilitator" in effect.card.lines[0].text
    # Even a bad date gets the same refusal: nothing is checked for someone who may not ask.
    [effect] = await ask(core, "export contributions --from yesterday", BOB)
    assert "Only a facilitator" in effect.card.lines[0].text


async def test_not_in_a_direct_message(core):
    [effect] = await core.handle_private(parse("export contributions", ALICE,
                                               SpaceRef("console", "local", "D1")))
    assert isinstance(effect, Reply) and effect.failure == "refused"


@pytest.mark.parametrize(("typed", "says"), [
    ("export", "export contributions"),
    ("export decisions", "type: decisions"),
    ("export contributions --from", "--from needs a day"),
    ("export contributions --since 2026-01-01", "--from and --to"),
    ("export contributions --from 2026-13-01", "year-month-day"),
    ("export contributions --from 1/11/2026", "year-month-day"),
    ("export contributions --to tomorrow", "year-month-day"),
    ("export contributions --from 2026-11-20 --to 2026-11-01", "is after"),
    ("export contributions --from 2024-01-01 --to 2026-11-01", "366 days"),
])
async def test_bad_input_says_what_to_type(room, typed, says):
    out = await room.say(typed)
    assert "That didn't work" in out and says in out, out
    assert "[private file" not in out


async def test_the_default_period_is_the_last_30_days_and_dates_choose_others(room, core,
                                                                              clock):
    await room.say('bob: say "early"')
    await room.playground.advance(timedelta(days=40))
    await room.say('carol: say "late"')
    [effect] = await ask(core, "export contributions")
    assert [row["member"] for row in table(effect)] == ["console:local:carol"]
    today = clock.now().date()
    assert f"{today - timedelta(days=29)}" in effect.filename and f"{today}" in effect.filename
    early = (today - timedelta(days=40)).isoformat()
    [effect] = await ask(core, f"export contributions --from {early} --to {early}")
    assert [row["member"] for row in table(effect)] == ["console:local:bob"]
    # --from alone runs to today; --to alone goes back 30 days from it.
    [effect] = await ask(core, f"export contributions --from {early}")
    assert len(table(effect)) == 2
    [effect] = await ask(core, f"export contributions --to {early}")
    assert len(table(effect)) == 1


async def test_only_this_channels_record(room, core):
    await room.say('bob: say "here"')
    dana = person("dana")
    await core.handle(MembersSeen(dana, OTHER, (dana,)))
    await core.handle(Spoke(dana, OTHER))
    [effect] = await ask(core, "export contributions")
    assert {row["space"] for row in table(effect)} == {SPACE.key}
    assert "dana" not in effect.content.decode()


async def test_an_empty_period_still_gives_the_headings(room, core):
    [effect] = await ask(core, "export contributions --from 2026-01-01 --to 2026-01-31")
    assert effect.content.decode().strip() == ",".join(CSV_COLUMNS)
    assert "only its headings" in " ".join(getattr(line, "text", "")
                                           for line in effect.card.lines)


async def test_the_record_never_reaches_the_logs(room, core, caplog):
    caplog.set_level(logging.DEBUG)
    await _meeting(room)
    out = await room.say("export contributions")
    assert "[private file for alice" in out
    assert "console:local:bob" not in caplog.text and "took_part_in_decisions" not in caplog.text


async def test_help_explains_it(room):
    out = await room.say("help export")
    assert "export contributions" in out and "facilitator" in out and "30 days" in out
    assert "export — " in await room.say("help")
