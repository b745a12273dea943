"""The terminal playground: several people in one space, and a clock you can move.

It is also the test driver: a test says what a person types and reads what the
bot answers, exactly as in the terminal.

Lines it understands, besides every core command (see ``help``):

- ``alice: vote #1 2`` — run one command as alice;
- ``as bob`` — from now on, act as bob;
- ``people dana eli`` — add people to the space (they can vote and count in "7 of 12");
- ``clock`` / ``clock +2h`` — show the time / move it forward and run whatever fell due;
- ``# ...`` — a comment; ``quit`` — leave.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta

from adapters.console.render import render_effect
from bot.commands import Help, MembersSeen
from bot.effects import Effect, Post
from bot.errors import RoundtableError
from bot.model import Actor, SpaceRef
from bot.ports import FakeClock
from bot.service import Roundtable, parse
from bot.timeparse import format_local, parse_duration, zone
from bot.timing.timekeeper import Timekeeper

PLATFORM = "console"
#: Safety net for the clock loop: far more due times than a playground session has.
MAX_STEPS = 100_000
WORKSPACE = "local"
_SPEAKER = re.compile(r"^([A-Za-z][\w.-]{0,31}):\s+(.*)$")
_NAME = re.compile(r"^[A-Za-z][\w.-]{0,31}$")
_TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

PLAYGROUND_HELP = {
    "as NAME": "act as someone else from now on (as bob)",
    "NAME: COMMAND": "run one command as someone (bob: vote #1 2)",
    "people NAMES": "add people to this space (people dana eli)",
    "clock +TIME": "move the clock forward and run what falls due (clock +2h, or to the next "
                   "10:00 with clock 10:00); clock shows it",
    "quit": "leave the playground",
}


class Playground:
    """Drives the core as several people in one space.

    Args:
        core: The Roundtable service.
        clock: The playground's movable clock (the core must use the same one).
        people: Names of the people in the space; the first is a facilitator.
        channel: The space's name.
        write: Where output lines go (print, or a list's append in tests).
    """

    def __init__(self, core: Roundtable, clock: FakeClock, people: Iterable[str] = ("alice",),
                 channel: str = "playground", write: Callable[[str], None] = print) -> None:
        self.core = core
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
        self.write(f"Roundtable playground, space #{self.space.channel}. People here: "
                   f"{', '.join(self.people)} ({self.facilitator} is a facilitator). "
                   f"You are {self.current}. Type help to see what you can do.")

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
        word, _, rest = line.partition(" ")
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
            command = parse(text, actor, self.space)
        except RoundtableError as error:
            await self._show([self.core.error_reply(actor, self.space, error)])
            return
        if not await self.core.store.is_member(self.space, actor.key):
            # Whoever types here is in the channel, as a platform would report them (again
            # after forget-me: erasing a person's record does not take them out of it).
            await self.core.handle(MembersSeen(actor, self.space, (actor,)))
        await self._show(await self.core.handle(command))
        if isinstance(command, Help) and command.topic is None:
            self.write("Playground only:")
            for usage, what in PLAYGROUND_HELP.items():
                self.write(f"  - {usage} — {what}")

    async def _switch(self, name: str) -> None:
        if not _NAME.match(name):
            self.write("Write as and a name made of letters and digits, like: as bob")
            return
        await self._add_people([name])
        self.current = name
        self.write(f"You are now {name}.")

    async def _add_people(self, names: list[str]) -> None:
        bad = [n for n in names if not _NAME.match(n)]
        if bad or not names:
            self.write("Names are letters and digits, separated by spaces: people dana eli")
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
                    self.write("Move the clock forward with a + and a length of time: clock "
                               "+2h, clock +3d, clock +90m. Or to the next time of day: clock "
                               "10:00.")
                    return
                await self.advance(delta)
        self.write(f"The time is now {format_local(self.clock.now(), self.tz)}.")

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward, stopping at each due job so that they run in order."""
        target = self.clock.now() + delta
        for _ in range(MAX_STEPS):
            due = await self.core.store.next_due()
            if due is None or due > target:
                break
            self.clock.set(due)
            await self.timekeeper.run_due(self.clock.now())
        self.clock.set(target)

    async def _deliver(self, effects: list[Effect]) -> None:
        await self._show(effects)

    async def _show(self, effects: list[Effect]) -> None:
        for effect in effects:
            for out in render_effect(effect, self.tz):
                self.write(out)
            if isinstance(effect, Post) and effect.key is not None:
                # Like a platform adapter: a keyed post is on record, so the check that
                # it went out (bot.polls.announce) finds it and posts nothing twice.
                await self.core.store.remember_post(effect.key, PLATFORM, "console")
