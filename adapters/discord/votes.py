"""Voting from a poll message: casting, the private ranking/score form, the reason modal.

The form (ranked, score and dots polls) is an ephemeral message only the voter sees,
with one select per rank (ranked) or per option (score, dots), four to a page, and
Back / More / Send my vote. What the voter picks lives in this process until they
send it; the vote itself goes through the core like any other. The form is written in
the voter's language, kept with it for each page.
"""

from __future__ import annotations

import discord

from adapters.discord.interact import bridge_of
from adapters.discord.modals import ReasonModal
from bot.cards import Card, Text
from bot.commands import CastVote
from bot.errors import NotFound, PollClosed, RoundtableError
from bot.i18n import SOURCE, _, ngettext, ordinal, speaking
from bot.model import MAX_SCORE, Actor, Poll, PollKind, SpaceRef, Stance

#: Selects per page of the form: Discord allows five rows, and the buttons take one.
PER_PAGE = 4
#: A select offers at most 25 values (0 to 24 dots on one option).
MAX_SELECT_VALUES = 25
FORM_TIMEOUT = 15 * 60.0
FORM_PREFIX = "rt:f:"


def form_gone() -> Card:
    """A click on a form this process no longer holds."""
    return Card(_("This form has expired"), (Text(_(
        "Your choices on it were not sent. Press Vote on the poll again to get a fresh "
        "form.")),))


async def poll_here(interaction: discord.Interaction, poll_id: int) -> Poll:
    """The poll a component names, if it belongs to this server.

    Raises:
        NotFound: It does not (or no longer) exists here.
    """
    poll = await bridge_of(interaction).store.get_poll(poll_id)
    if poll is None or poll.space.workspace != str(interaction.guild_id):
        raise NotFound(_("That poll is not here any more. Type /roundtable polls to see the "
                         "open ones."))
    return poll


async def cast(interaction: discord.Interaction, poll_id: int, choices: tuple[str, ...]) -> None:
    """Vote (or change a vote) on the poll behind a component."""
    async def build(actor: Actor, space: SpaceRef) -> CastVote:
        poll = await poll_here(interaction, poll_id)
        return CastVote(actor, poll.space, poll=poll.number, choices=choices)

    await bridge_of(interaction).run(interaction, build)


async def ask_reason(interaction: discord.Interaction, poll_id: int, stance: Stance) -> None:
    """Open the reason modal for a disagreement or a block (a block needs a reason)."""
    with speaking(await bridge_of(interaction).language(interaction)):
        modal = ReasonModal(poll_id, stance)
    await interaction.response.send_modal(modal)


async def open_form(interaction: discord.Interaction, poll_id: int) -> None:
    """Show the voter a private form for a ranked, score or dots poll."""
    bridge = bridge_of(interaction)
    # Deferred before the store is read (Discord's 3 seconds); the form is a follow-up.
    await interaction.response.defer(ephemeral=True, thinking=True)
    with speaking(await bridge.language(interaction)):
        try:
            poll = await poll_here(interaction, poll_id)
            if not poll.is_open:
                raise PollClosed(_("Poll {ref} has closed. Type /roundtable results {number} "
                                   "to see the outcome.").format(ref=poll.ref,
                                                                 number=poll.number))
        except RoundtableError as error:
            await bridge.reply(interaction, Card(_("That didn't work"), (Text(error.message),)))
            return
    await show_form(interaction, poll)


async def show_form(interaction: discord.Interaction, poll: Poll) -> None:
    """Send the voter their form (after a defer), in their language, and remember which
    message holds it."""
    bridge = bridge_of(interaction)
    language = await bridge.language(interaction)
    form = VoteForm(poll, language)
    with speaking(language):
        message = await bridge.reply(interaction, form.card(), view=form)
    if message is not None:
        form.message_id = message.id
        _FORMS[message.id] = form


async def answer_stale_form(interaction: discord.Interaction) -> None:
    """Answer a click on a form this process does not hold (opened before a restart, or
    timed out): discord.py would ignore it, and the person would see "interaction failed"."""
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    message = interaction.message
    if not custom_id.startswith(FORM_PREFIX) or message is None or message.id in _FORMS:
        return
    bridge = bridge_of(interaction)
    with speaking(await bridge.language(interaction)):
        await bridge.reply(interaction, form_gone())


class VoteForm(discord.ui.View):
    """A voter's private form; pages of four selects and the buttons to move and send."""

    def __init__(self, poll: Poll, language: str = SOURCE) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.poll = poll
        #: The voter's language: every page is written in it.
        self.language = language
        self.page = 0
        self.message_id: int | None = None
        #: Ranked: rank (1-based) -> option number. Score and dots: option number -> points.
        self.chosen: dict[int, int] = {}
        self.build()

    async def on_timeout(self) -> None:
        """Forget the form; a later click on it is told to press Vote again."""
        _FORMS.pop(self.message_id or 0, None)

    @property
    def ranked(self) -> bool:
        """Whether the selects are ranks (else they are points per option)."""
        return self.poll.spec.kind is PollKind.RANKED

    def card(self) -> Card:
        """What the form says above its selects."""
        spec = self.poll.spec
        with speaking(self.language):
            if self.ranked:
                how = [_("Put the options in order, best first."),
                       _("Choose your 1st choice, then your 2nd, and so on; stop whenever you "
                         "like.")]
            elif spec.kind is PollKind.SCORE:
                how = [_("Score each option from 0 to {top}.").format(top=MAX_SCORE),
                       _("Choose a value for the options you want to score.")]
            else:
                dots = spec.dots or 0
                how = [_("Spread your dots across the options."),
                       _("Choose a value for the options you want to give dots to."),
                       ngettext("You have {n} dot to spread.", "You have {n} dots to spread.",
                                dots).format(n=dots)]
            how.append(_("Then press Send my vote. Only you see this form."))
            return Card(title=_("Your vote on {ref}: {question}").format(
                ref=self.poll.ref, question=spec.question), lines=(Text(" ".join(how)),))

    def build(self) -> None:
        """Lay out the current page, in the voter's language."""
        with speaking(self.language):
            self._build()

    def _build(self) -> None:
        self.clear_items()
        count = len(self.poll.spec.options)
        start = self.page * PER_PAGE
        for row, slot in enumerate(range(start, min(start + PER_PAGE, count))):
            self.add_item(self._select(slot + 1, row))
        # The paging buttons say what they page to, not just "Back" and "More".
        if self.page:
            back = (_("Back to choices {first}-{last}") if self.ranked else
                    _("Back to options {first}-{last}"))
            self.add_item(self._button(back.format(first=start - PER_PAGE + 1, last=start),
                                       FORM_PREFIX + "back", self._back))
        if start + PER_PAGE < count:
            end = min(start + 2 * PER_PAGE, count)
            more = (_("Next: choices {first}-{last}") if self.ranked else
                    _("Next: options {first}-{last}"))
            self.add_item(self._button(more.format(first=start + PER_PAGE + 1, last=end),
                                       FORM_PREFIX + "more", self._more))
        self.add_item(self._button(_("Send my vote"), FORM_PREFIX + "send", self._send,
                                   discord.ButtonStyle.primary))

    def _select(self, slot: int, row: int) -> discord.ui.Select:
        spec = self.poll.spec
        if self.ranked:
            options = [discord.SelectOption(label=f"{n}. {text}"[:100], value=str(n),
                                            default=self.chosen.get(slot) == n)
                       for n, text in enumerate(spec.options, start=1)]
            placeholder = _("Your {ordinal} choice (pick an option)").format(
                ordinal=ordinal(slot))
        else:
            top = MAX_SCORE if spec.kind is PollKind.SCORE else spec.dots or 0
            values = range(min(top, MAX_SELECT_VALUES - 1) + 1)
            options = [discord.SelectOption(label=str(v), value=str(v),
                                            default=self.chosen.get(slot) == v) for v in values]
            placeholder = _("Points for {number}. {option}").format(
                number=slot, option=spec.options[slot - 1])[:150]
        select = discord.ui.Select(custom_id=f"{FORM_PREFIX}{slot}", placeholder=placeholder,
                                   options=options, min_values=0, max_values=1, row=row)

        async def chosen(interaction: discord.Interaction) -> None:
            if select.values:
                self.chosen[slot] = int(select.values[0])
            else:
                self.chosen.pop(slot, None)
            await interaction.response.defer()

        select.callback = chosen  # type: ignore[method-assign]
        return select

    def _button(self, label, custom_id, action, style=discord.ButtonStyle.secondary):
        button = discord.ui.Button(label=label, custom_id=custom_id, style=style, row=4)
        button.callback = action  # type: ignore[method-assign]
        return button

    async def _back(self, interaction: discord.Interaction) -> None:
        self.page -= 1
        self.build()
        await interaction.response.edit_message(view=self)

    async def _more(self, interaction: discord.Interaction) -> None:
        self.page += 1
        self.build()
        await interaction.response.edit_message(view=self)

    def choices(self) -> tuple[str, ...]:
        """The ballot as the words the core reads: ranks in order, or option=points."""
        if self.ranked:
            return tuple(str(self.chosen[rank]) for rank in sorted(self.chosen))
        return tuple(f"{n}={v}" for n, v in sorted(self.chosen.items())
                     if v or self.poll.spec.kind is PollKind.SCORE)

    async def _send(self, interaction: discord.Interaction) -> None:
        await cast(interaction, self.poll.id, self.choices())


#: The forms this process shows, by message id (see ``answer_stale_form``).
_FORMS: dict[int, VoteForm] = {}


