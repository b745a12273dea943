"""The buttons and selects on a poll message, kept working across restarts.

Each is a ``DynamicItem``: its ``custom_id`` carries the poll's internal id (and the
option or stance), so any process, started at any time, knows what a click means
once the item classes are registered (``Client.add_dynamic_items`` at start-up).
Every id is well under Discord's 100 characters: ``rt:v:<id>:<n>``, ``rt:s:<id>``,
``rt:o:<id>``, ``rt:c:<id>:<stance>``.

- choice, up to 5 options: one button per option; more: a select;
- multi: a select allowing several (up to the poll's max picks);
- ranked, score, dots: a Vote button opening a private form (``votes.open_form``);
- proposals: Agree / Abstain / Disagree / Block; Disagree and Block ask for a reason.

Labels and placeholders are written for everyone in the space being served
(``bot.i18n.public_text``): ``Sender`` makes a post's view inside the space's
languages, and a private copy is made inside a "space" of the reader's language alone.
"""

from __future__ import annotations

import re

import discord

from adapters.discord import votes
from bot.i18n import _, pgettext, public_text
from bot.model import Poll, PollKind, Stance, stance_name

#: Choice polls with at most this many options get one button each.
MAX_BUTTONS = 5
LABEL = 80
_STYLES = {
    Stance.AGREE: discord.ButtonStyle.success,
    Stance.ABSTAIN: discord.ButtonStyle.secondary,
    Stance.DISAGREE: discord.ButtonStyle.secondary,
    Stance.BLOCK: discord.ButtonStyle.danger,
}


def _label(text: str, limit: int = LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


class ChoiceButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"rt:v:(?P<poll>\d{1,18}):(?P<n>\d{1,2})"):
    """Votes for one option of a choice poll."""

    def __init__(self, poll_id: int, number: int, label: str = "Vote") -> None:
        super().__init__(discord.ui.Button(label=_label(label),
                                           custom_id=f"rt:v:{poll_id}:{number}"))
        self.poll_id, self.number = poll_id, number

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> ChoiceButton:
        """Rebuild the button from its id."""
        return cls(int(match["poll"]), int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Cast the vote."""
        await votes.cast(interaction, self.poll_id, (str(self.number),))


class PollSelect(discord.ui.DynamicItem[discord.ui.Select],
                 template=r"rt:s:(?P<poll>\d{1,18})"):
    """Picks one option (choice polls with many options) or several (multi polls)."""

    def __init__(self, poll_id: int, options: tuple[str, ...] = (), max_values: int = 1) -> None:
        choices = [discord.SelectOption(label=_label(text, 100), value=str(n))
                   for n, text in enumerate(options, start=1)] or [
                       discord.SelectOption(label="-", value="0")]
        placeholder = public_text(lambda: _("Choose an option") if max_values == 1
                                   else _("Choose all you support"))
        super().__init__(discord.ui.Select(custom_id=f"rt:s:{poll_id}", options=choices,
                                           placeholder=placeholder, min_values=1,
                                           max_values=max(1, min(max_values, len(choices)))))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> PollSelect:
        """Rebuild the select from its id; the values come with the interaction."""
        return cls(int(match["poll"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Cast the vote with the options chosen."""
        values = tuple((interaction.data or {}).get("values", ()))  # type: ignore[union-attr]
        await votes.cast(interaction, self.poll_id, values)


class OpenForm(discord.ui.DynamicItem[discord.ui.Button],
               template=r"rt:o:(?P<poll>\d{1,18})"):
    """The Vote button of ranked, score and dots polls: opens a private form."""

    def __init__(self, poll_id: int) -> None:
        super().__init__(discord.ui.Button(label=_label(public_text(
                                               lambda: pgettext("button", "Vote"))),
                                           style=discord.ButtonStyle.primary,
                                           custom_id=f"rt:o:{poll_id}"))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> OpenForm:
        """Rebuild the button from its id."""
        return cls(int(match["poll"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the voter their own form."""
        await votes.open_form(interaction, self.poll_id)


class StanceButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"rt:c:(?P<poll>\d{1,18}):(?P<stance>agree|abstain|disagree|block)"):
    """One stance on a proposal."""

    def __init__(self, poll_id: int, stance: Stance) -> None:
        super().__init__(discord.ui.Button(label=_label(public_text(
                                               lambda: _capital(stance_name(stance)))),
                                           style=_STYLES[stance],
                                           custom_id=f"rt:c:{poll_id}:{stance.value}"))
        self.poll_id, self.stance = poll_id, stance

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> StanceButton:
        """Rebuild the button from its id."""
        return cls(int(match["poll"]), Stance(match["stance"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Agree and abstain count at once; disagree and block ask for a reason first."""
        if self.stance in (Stance.AGREE, Stance.ABSTAIN):
            await votes.cast(interaction, self.poll_id, (self.stance.value,))
        else:
            await votes.ask_reason(interaction, self.poll_id, self.stance)


#: Registered with the client at start-up, so clicks work after a restart.
DYNAMIC_ITEMS = (ChoiceButton, PollSelect, OpenForm, StanceButton)


def is_ours(custom_id: str) -> bool:
    """Whether a component's id is one this version answers: a poll component, or a
    private vote form's (answered by its form, or told the form expired)."""
    return custom_id.startswith(votes.FORM_PREFIX) or any(
        item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in DYNAMIC_ITEMS)


class PollView(discord.ui.View):
    """A poll's components, answered only through the ``DYNAMIC_ITEMS`` registered at start-up.

    discord.py keeps every view it sends that "is dispatchable", and when such a view
    stops it unregisters the ``DynamicItem`` patterns inside it, the start-up ones
    included. An ephemeral copy of the buttons (``/roundtable vote`` without a choice)
    is stopped by discord.py after 15 minutes, which would leave every poll button of
    the process dead until a restart; and each kept public view is never freed. So
    this view says it needs no dispatching: nothing is kept, and clicks still arrive
    through the registered patterns, in any process, at any time.
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_dispatchable(self) -> bool:
        """Never kept by discord.py's view store (see the class docstring)."""
        return False


def poll_view(poll: Poll) -> discord.ui.View:
    """The voting components of an open poll's message (a persistent view), labelled for
    everyone in the space being served."""
    view = PollView()
    spec = poll.spec
    if spec.kind is PollKind.CHOICE and len(spec.options) <= MAX_BUTTONS:
        for number, option in enumerate(spec.options, start=1):
            view.add_item(ChoiceButton(poll.id, number, f"{number}. {option}"))
    elif spec.kind in (PollKind.CHOICE, PollKind.MULTI):
        most = 1 if spec.kind is PollKind.CHOICE else spec.max_picks or len(spec.options)
        view.add_item(PollSelect(poll.id, spec.options, most))
    elif spec.kind is PollKind.CONSENT:
        for stance in Stance:
            view.add_item(StanceButton(poll.id, stance))
    elif spec.kind is not PollKind.IDEAS:
        view.add_item(OpenForm(poll.id))
    return view
