"""The terminal playground: several people in one space, and a clock you can move.

It is also the test driver: a test says what a person types and reads what the
bot answers, exactly as in the terminal.

Lines it understands, besides every core command (see ``help``):

- ``alice: vote #1 2`` — run one command as alice;
- ``as bob`` — from now on, act as bob;
- ``people dana eli`` — add people to the space (they can vote and count in "7 of 12");
- ``clock`` / ``clock +2h`` — show the time / move it forward and run whatever fell due;
- ``# ...`` — a comment; ``quit`` — leave.

Each person reads in their own language (``language cy``): typed commands are read
with ``Roundtable.read``, and what the playground says itself, and the times in a
card, are written in the reader's language; public posts in the space's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from adapters.console.files import save_file
from adapters.console.render import render_effect
from bot.cards import Tone, message_card
from bot.commands import Help, MembersSeen
from bot.effects import DirectMessage, Effect, Post, PrivateFile, Reply
from bot.errors import RoundtableError
from bot.i18n import N_, _, space_languages, speaking
from bot.model import Actor, SpaceRef
from bot.ports import FakeClock
from bot.service import Roundtable
from bot.timeparse import format_local, parse_duration, zone
from bot.timing.timekeeper import Timekeeper

PLATFORM = "console"
#: Safety net for the clock loop: far more due times than a playground session has.
MAX_STEPS = 100_000
WORKSPACE = "local"
_SPEAKER = re.compile(r"^([A-Za-z][\w.-]{0,31}):\s+(.*)$")
_NAME = re.compile(r"^[A-Za-z][\w.-]{0,31}$")
_TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

#: The playground's own lines: usage (English words) -> what it does; shown with ``_()``.
PLAYGROUND_HELP = {
    "as NAME": N_("act as someone else from now on (as bob)"),
    "NAME: COMMAND": N_("run one command as someone (bob: vote #1 2)"),
    "people NAMES": N_("add people to this space (people dana eli)"),
    "clock +TIME": N_("move the clock forward and run what falls due (clock +2h, or to the "
                      "next 10:00 with clock 10:00); clock shows it"),
    "quit": N_("leave the playground"),
}


class Playground:
    """Drives the core as several people in one space.

    Args:
        core: The Roundtable service.
        clock: The playground's movable clock (the core must use the same one).
        people: Names of the people in the space; the first is a facilitator.
        channel: The space's name.
        write: Where output lines go (print, or a list's append in tests).
        files: The folder files for people are saved in (``export contributions``); None:
            the current folder, where the playground's database is by default.
    """

    def __init__(self, core: Roundtable, clock: FakeClock, people: Iterable[str] = ("alice",),
                 channel: str = "playground", write: Callable[[str], None] = print,
                 files: Path | None = None) -> None:
        self.core = core
        self.files = files
        self.clock = clock
        self.space = SpaceRef(PLATFORM, WORKSPACE, channel)
        self.write = write
        names = list(people) or ["alice"]
        self.facilitator = names[0]
        self.people = names
        self.current = names[0]
        self.running = True
        self.timekeeper = Timekeeper(core, self._deliver, worker="playground")

    @property
    def tz(self) -> str:
        """The space's time zone."""
        return self.core.settings.timezone

    def actor(self, name: str) -> Actor:
        """The actor for a playground person; the first person is a facilitator."""
        roles = frozenset({"facilitator"}) if name == self.facilitator else frozenset()
        return Actor(PLATFORM, WORKSPACE, name.lower(), name, roles)

    async def start(self) -> None:
        """Tell the core who is in the space and greet the user."""
        await self.core.handle(
            MembersSeen(self.actor(self.current), self.space,
                        tuple(self.actor(n) for n in self.people)))
        # Whatever fell due while the playground was closed happens now, once.
        await self.timekeeper.run_due(self.clock.now())
        with speaking(await self._language_of(self.current)):
            self.write(_("Roundtable playground, space #{channel}. People here: {people} "
                         "({facilitator} is a facilitator). You are {name}. Type help to see "
                         "what you can do.").format(
                channel=self.space.channel, people=", ".join(self.people),
                facilitator=self.facilitator, name=self.current))

    async def _language_of(self, name: str) -> str:
        return await self.core.language_for(self.actor(name))

    async def run_line(self, line: str) -> None:
        """Run one line as typed at the prompt or read from a script."""
        line = line.strip()
        if not line or line.startswith("#"):
            return
        match = _SPEAKER.match(line)
        if match:
            name, text = match.group(1), match.group(2)
            await self._add_people([name])
            await self._command(name, text)
            return
        word, _space, rest = line.partition(" ")
        word = word.lower()
        if word == "as":
            await self._switch(rest.strip())
        elif word == "people":
            await self._add_people(rest.split())
        elif word == "clock":
            await self._clock(rest.strip())
        elif word in ("quit", "exit"):
            self.running = False
        else:
            await self._command(self.current, line)

    async def run_lines(self, lines: Iterable[str], echo: bool = True) -> None:
        """Run a script, echoing each line the way it would have been typed."""
        for line in lines:
            if not self.running:
                break
            stripped = line.rstrip("\n")
            if echo and stripped.strip() and not stripped.lstrip().startswith("#"):
                self.write(f"{self.current}> {stripped}")
            await self.run_line(stripped)

    async def _command(self, name: str, text: str) -> None:
        actor = self.actor(name)
        try:
            # Read in the person's language, so what is wrong with it comes back in it.
            command = await self.core.read(text, actor, self.space)
        except RoundtableError as error:
            await self._show([self.core.error_reply(actor, self.space, error)])
            return
        if not await self.core.store.is_member(self.space, actor.key):
            # Whoever types here is in the channel, as a platform would report them (again
            # after forget-me: erasing a person's record does not take them out of it).
            await self.core.handle(MembersSeen(actor, self.space, (actor,)))
        await self._show(await self.core.handle(command))
        if isinstance(command, Help) and command.topic is None:
            with speaking(await self._language_of(name)):
                self.write(_("Playground only:"))
                for usage, what in PLAYGROUND_HELP.items():
                    self.write(f"  - {usage} — {_(what)}")

    async def _say(self, text: str) -> None:
        """A line of the playground's own, to whoever is acting now, in their language."""
        with speaking(await self._language_of(self.current)):
            self.write(_(text))

    async def _switch(self, name: str) -> None:
        if not _NAME.match(name):
            await self._say(N_("Write as and a name made of letters and digits, like: as bob"))
            return
        await self._add_people([name])
        self.current = name
        with speaking(await self._language_of(name)):
            self.write(_("You are now {name}.").format(name=name))

    async def _add_people(self, names: list[str]) -> None:
        bad = [n for n in names if not _NAME.match(n)]
        if bad or not names:
            await self._say(N_("Names are letters and digits, separated by spaces: people "
                               "dana eli"))
            return
        new = [n for n in names if n not in self.people]
        if new:
            self.people += new
            await self.core.handle(MembersSeen(self.actor(self.current), self.space,
                                               tuple(self.actor(n) for n in new)))

    async def _clock(self, text: str) -> None:
        if text:
            at = _TIME_OF_DAY.match(text)
            if at:
                # "clock 10:00": forward to the next 10:00 here, so a script reads the same
                # whatever time of day it is run.
                hour, minute = int(at.group(1)), int(at.group(2))
                now = self.clock.now().astimezone(zone(self.tz))
                target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
                if target <= now:
                    target += timedelta(days=1)
                await self.advance(target - now)
            else:
                delta = parse_duration(text.lstrip("+"))
                if delta is None or not text.startswith("+"):
                    await self._say(N_("Move the clock forward with a + and a length of time: "
                                       "clock +2h, clock +3d, clock +90m. Or to the next time "
                                       "of day: clock 10:00."))
                    return
                await self.advance(delta)
        with speaking(await self._language_of(self.current)):
            self.write(_("The time is now {time}.").format(
                time=format_local(self.clock.now(), self.tz)))

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward, stopping at each due job so that they run in order."""
        target = self.clock.now() + delta
        for _step in range(MAX_STEPS):
            due = await self.core.store.next_due()
            if due is None or due > target:
                break
            self.clock.set(due)
            await self.timekeeper.run_due(self.clock.now())
        self.clock.set(target)

    def _save(self, effect: PrivateFile) -> None:
        """Save a file for someone and say where, in their language (spoken by the
        caller); if it cannot be saved, say that instead."""
        try:
            path = save_file(self.files, effect)
        except OSError as error:
            # The reason only: never the file's contents.
            couldnt = (_("I could not save {file} ({reason}).") if error.strerror else
                       _("I could not save {file}.")).format(file=effect.filename,
                                                            reason=error.strerror)
            failed = message_card(
                _("The file was not saved"),
                couldnt + " " + _("Nothing was saved. Check that the folder exists and that "
                                  "you may write in it, then ask again."), Tone.ERROR)
            for out in render_effect(Reply(effect.to, effect.space, failed), self.tz):
                self.write(out)
            return
        for out in render_effect(effect, self.tz):
            self.write(out)
        self.write("  " + _("Saved to: {path}").format(path=path))

    async def _deliver(self, effects: list[Effect]) -> None:
        await self._show(effects)

    async def _reader_language(self, effect: Effect) -> str:
        """The language an effect is read in: its one reader's, or the space's (the first
        of a bilingual space's, for the times in its cards)."""
        if isinstance(effect, Reply | PrivateFile):
            return await self.core.language_for(effect.to)
        if isinstance(effect, DirectMessage):
            return (await self.core.languages_of([effect.member]))[effect.member]
        with self.core.in_space():
            return space_languages()[0]

    async def _show(self, effects: list[Effect]) -> None:
        for effect in effects:
            with speaking(await self._reader_language(effect)):
                if isinstance(effect, PrivateFile):
                    self._save(effect)
                    continue
                for out in render_effect(effect, self.tz):
                    self.write(out)
            if isinstance(effect, Post) and effect.key is not None:
                # Like a platform adapter: a keyed post is on record, so the check that
                # it went out (bot.polls.announce) finds it and posts nothing twice.
                await self.core.store.remember_post(effect.key, PLATFORM, "console")
