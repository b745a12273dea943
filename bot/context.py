"""What a wing's handlers are given: the core's context, not the whole core.

Part of the shared vocabulary. ``bot.service.Roundtable`` is the one implementation;
a wing types its ``core`` as ``Core`` and so never imports ``bot.service``. The
methods here are the few things that cross wings: who facilitates, a poll by number,
opening and closing a poll (an ideas round opens a poll; a timer closes one), and how
a poll's card looks (an ideas round's card differs).
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.anonymity import Keyring
from bot.cards import Card
from bot.commands import CreatePoll
from bot.effects import Effect
from bot.model import Actor, Decision, Poll, PollSpec, SpaceRef
from bot.ports import Clock, Store
from bot.voice_model import BalancePolicy, ContributionKind, NudgePolicy


@dataclass(frozen=True)
class Settings:
    """Settings the core needs from the config file."""

    timezone: str = "UTC"
    #: Reminders before a poll closes, in seconds, unless the poll says otherwise.
    reminders: tuple[int, ...] = (86400, 3600)
    #: Groups with fewer ballots than this get no breakdown of their own in outcomes.
    min_group_size: int = 5
    nudges: NudgePolicy = field(default_factory=NudgePolicy)
    balance: BalancePolicy = field(default_factory=BalancePolicy)
    #: Ask each person once, after their first contribution, about involvement payments.
    ask_about_payments: bool = True
    #: The language of public posts, and of private ones for people who did not choose.
    language: str = "en"
    #: Public posts in both languages, the space's own first (common in Wales).
    bilingual: bool = False

    @property
    def space_languages(self) -> tuple[str, ...]:
        """The languages public posts are written in, in order."""
        if not self.bilingual:
            return (self.language,)
        return (self.language, "en" if self.language != "en" else "cy")


class Core(Protocol):
    """The context every handler gets."""

    store: Store
    clock: Clock
    keyring: Keyring
    settings: Settings

    def zone_of(self, space: SpaceRef) -> str:
        """The time zone a space reads times in."""
        ...

    async def languages_of(self, members: Collection[str]) -> dict[str, str]:
        """The language each member reads ("cy", "en"): their choice, else the space's.
        Write a private message to someone inside ``bot.i18n.speaking(language)``."""
        ...

    def in_space(self) -> AbstractContextManager[None]:
        """Inside, ``bot.i18n.public`` writes in the space's language(s)."""
        ...

    async def is_facilitator(self, actor: Actor, space: SpaceRef) -> bool:
        """Whether the person facilitates the space (platform role or named)."""
        ...

    async def may_manage(self, actor: Actor, space: SpaceRef, poll: Poll) -> bool:
        """Whether the person may close, cancel or extend the poll."""
        ...

    async def find_open_poll(self, space: SpaceRef, number: int) -> Poll:
        """The open poll with this number (raises ``NotFound`` or ``PollClosed``)."""
        ...

    async def decision_for(self, poll: Poll) -> Decision | None:
        """The logged decision of an ended poll, if any."""
        ...

    async def contribute(self, space: SpaceRef, actor: Actor, kind: ContributionKind,
                         event_id: str | None = None) -> None:
        """Count a contribution (who, where, what kind, when; never its text)."""
        ...

    async def check_poll(self, cmd: CreatePoll) -> PollSpec:
        """Check a poll someone asked for, group rules included; nothing is stored."""
        ...

    async def open_poll(self, cmd: CreatePoll, spec: PollSpec) -> list[Effect]:
        """Store a checked poll and announce it."""
        ...

    async def close_poll(self, poll: Poll, now: datetime, by: Actor | None) -> list[Effect]:
        """Close a poll or an ideas round; its announcements (empty if another won)."""
        ...

    async def render_poll(self, poll: Poll) -> Card:
        """A poll's (or an ideas round's) public card as it stands."""
        ...

    async def show_round(self, actor: Actor, poll: Poll) -> list[Effect]:
        """What ``results #N`` shows for an ideas round."""
        ...
