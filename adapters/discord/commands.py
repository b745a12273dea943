"""The ``/roundtable`` slash command: polls, proposals (and their new rounds), votes and
results.

Each subcommand builds the core's command dataclass from typed options (or, for a
poll with many options, opens a modal) and hands it to ``Bridge.run``. Groups,
facilitators, ideas, schedules and people's own records are in ``commands_more``.

Command, option and choice names and descriptions are registered with Discord in
English: Discord could carry translations of them, but it has no Welsh locale. What the
commands answer is written in the person's language.
"""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import commands_more as more
from adapters.discord.components import poll_view
from adapters.discord.interact import bridge_of
from adapters.discord.modals import PollModal
from adapters.discord.translate import space_of
from adapters.discord.votes import show_form
from bot import commands as c
from bot.cards import Card, Text
from bot.i18n import _, in_space, speaking
from bot.model import PollKind
from bot.parsing import tokenize
from bot.polls.chain import open_to_amend

Choice = app_commands.Choice
KINDS = [Choice(name="choice: pick one", value="choice"),
         Choice(name="multi: pick any you support", value="multi"),
         Choice(name="ranked: rank them", value="ranked"),
         Choice(name="score: 0 to 5 for each", value="score"),
         Choice(name="dots: spread some dots", value="dots")]
METHODS = [Choice(name=f"{m}", value=m) for m in ("schulze", "irv", "borda")]
RULES = [Choice(name=r, value=r) for r in ("majority", "consent", "parity", "equal-weight")]
POLL = "The poll's number, like 3 for #3"
#: How far back the amend autocomplete looks in the decision log.
RECENT_DECISIONS = 100


async def open_polls(interaction: discord.Interaction, current: str) -> list[Choice[int]]:
    """Autocomplete: the open polls of this channel, "#3 Where should we meet?"."""
    if interaction.guild_id is None:
        return []
    polls = await bridge_of(interaction).store.open_polls(space_of(interaction))
    typed = current.lstrip("#").casefold()
    found = [Choice(name=f"{p.ref} {p.spec.question}"[:100], value=p.number) for p in polls
             if typed in f"{p.number} {p.spec.question}".casefold()]
    return found[:25]


async def amendable(interaction: discord.Interaction, current: str) -> list[Choice[int]]:
    """Autocomplete: this channel's proposals that can go to a new round (closed, not
    passed or blocked, not amended yet), newest first."""
    if interaction.guild_id is None:
        return []
    decisions = await bridge_of(interaction).store.decisions(space_of(interaction),
                                                            limit=RECENT_DECISIONS)
    typed = current.lstrip("#").casefold()
    found = [Choice(name=f"#{d.poll_number} {d.question}"[:100], value=d.poll_number)
             for d in decisions if open_to_amend(d)
             and typed in f"{d.poll_number} {d.question}".casefold()]
    return found[:25]


def flags_text(**flags: object) -> str:
    """Settings as the ``--flags`` the poll modal shows (and reads back)."""
    words = []
    for name, value in flags.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        text = str(value)
        words.append(flag if value is True else f'{flag} "{text}"' if " " in text
                     else f"{flag} {text}")
    return " ".join(words)


def _value(choice: Choice[str] | None) -> str | None:
    return choice.value if choice is not None else None


@app_commands.guild_only()
class RoundtableCommands(app_commands.Group, name="roundtable",
                         description="Decide together: polls, proposals and the balance of voices"):
    """The ``/roundtable`` group."""

    def __init__(self) -> None:
        super().__init__()
        for group in more.SUBGROUPS:
            self.add_command(group())
        for command in more.COMMANDS:
            self.add_command(command)

    @app_commands.command(description="Start a poll (leave options empty to write many in a form)")
    @app_commands.describe(
        question="What the group is deciding", options="Options separated by ; (2 to 20)",
        kind="How people vote (default: pick one)", closes="When it closes: 2d, friday 17:00…",
        anonymous="Anonymous (the default) or names shown", show_results="Live tallies",
        method="Ranked polls: how to count", max_picks="Multi polls: most options one may pick",
        dots="Dots polls: dots each", quorum="Ballots needed: 8 or 50%",
        threshold="Support the winner needs: 60%", remind="Reminders before closing: 24h,1h",
        no_remind="No reminders", rule="How groups count", quorum_each="Each group's quorum")
    @app_commands.choices(kind=KINDS, method=METHODS, rule=RULES)
    async def poll(self, interaction: discord.Interaction,
                   question: app_commands.Range[str, 1, 300], options: str | None = None,
                   kind: Choice[str] | None = None, closes: str | None = None,
                   anonymous: bool = True, show_results: bool | None = None,
                   method: Choice[str] | None = None,
                   max_picks: app_commands.Range[int, 1, 20] | None = None,
                   dots: app_commands.Range[int, 1, 100] | None = None,
                   quorum: str | None = None, threshold: str | None = None,
                   remind: str | None = None, no_remind: bool = False,
                   rule: Choice[str] | None = None, quorum_each: str | None = None) -> None:
        """Start a poll; with fewer than two options typed, a form opens for them."""
        listed = more.split_options(options)
        if len(listed) < 2:
            settings = flags_text(
                kind=_value(kind), closes=closes, open=not anonymous,
                show_results=show_results is True, hide_results=show_results is False,
                method=_value(method), max_picks=max_picks, dots=dots, quorum=quorum,
                threshold=threshold, remind=remind, no_remind=no_remind, rule=_value(rule),
                quorum_each=quorum_each)
            # An option typed already is carried into the form, not lost.
            with speaking(await bridge_of(interaction).language(interaction)):
                modal = PollModal(question, settings, "\n".join(listed))
            await interaction.response.send_modal(modal)
            return
        await bridge_of(interaction).run(interaction, lambda actor, space: c.CreatePoll(
            actor, space, question=question, options=listed, kind=_value(kind) or "choice",
            method=_value(method), anonymous=anonymous, show_results=show_results,
            quorum=quorum, threshold=threshold, closes=closes, max_picks=max_picks, dots=dots,
            remind=remind, no_remind=no_remind, rule=_value(rule), quorum_each=quorum_each))

    @app_commands.command(description="Put a proposal to the group: agree, abstain, disagree "
                                      "or block")
    @app_commands.describe(proposal="The proposal", closes="When it closes: 2d, friday 17:00…",
                           anonymous="Anonymous (the default) or names shown",
                           threshold="Agreement needed: 60%", quorum="Ballots needed",
                           rule="majority, consent (a block holds it) or parity",
                           remind="Reminders before closing: 24h,1h", no_remind="No reminders")
    @app_commands.choices(rule=RULES)
    async def propose(self, interaction: discord.Interaction,
                      proposal: app_commands.Range[str, 1, 300], closes: str | None = None,
                      anonymous: bool = True, threshold: str | None = None,
                      quorum: str | None = None, rule: Choice[str] | None = None,
                      remind: str | None = None, no_remind: bool = False) -> None:
        """Start a consent proposal."""
        await bridge_of(interaction).run(interaction, lambda actor, space: c.CreatePoll(
            actor, space, question=proposal, kind=PollKind.CONSENT.value, anonymous=anonymous,
            threshold=threshold, quorum=quorum, closes=closes, rule=_value(rule),
            remind=remind, no_remind=no_remind))

    @app_commands.command(description="Try a proposal that did not pass again, with new "
                                      "wording")
    @app_commands.describe(poll="The proposal's number, like 3 for #3",
                           wording="The new wording; everyone votes again")
    @app_commands.autocomplete(poll=amendable)
    async def amend(self, interaction: discord.Interaction, poll: int,
                    wording: app_commands.Range[str, 1, 300]) -> None:
        """Open a new round of a closed proposal (its proposer or a facilitator)."""
        await bridge_of(interaction).run(
            interaction, lambda a, s: c.Amend(a, s, poll=poll, text=wording))

    @app_commands.command(description="Vote, or change your vote; leave choice empty for "
                                      "buttons")
    @app_commands.describe(poll=POLL, choice="Option numbers (best first for ranked), 1=5 2=3 "
                           "for scores, or agree / block and a reason")
    @app_commands.autocomplete(poll=open_polls)
    async def vote(self, interaction: discord.Interaction, poll: int,
                   choice: str | None = None) -> None:
        """Vote by typing, or get the poll's own buttons or form, privately."""
        bridge = bridge_of(interaction)
        if choice:
            await bridge.run(interaction, lambda actor, space: c.CastVote(
                actor, space, poll=poll, choices=tuple(tokenize(choice))))
            return
        # Deferred before the store is read (Discord's 3 seconds); the answer is a follow-up.
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await bridge.store.find_poll(space_of(interaction), poll)
        if found is None or not found.is_open:
            await bridge.run(interaction, lambda a, s: c.CastVote(a, s, poll=poll))
            return
        if found.spec.kind in (PollKind.RANKED, PollKind.SCORE, PollKind.DOTS):
            await show_form(interaction, found)
            return
        language = await bridge.language(interaction)
        # Only this person sees the copy: its labels are in their language alone.
        with speaking(language), in_space((language,)):
            await bridge.reply(interaction, Card(
                title=_("Vote on {ref}: {question}").format(ref=found.ref,
                                                           question=found.spec.question),
                lines=(Text(_("Only you see this.")),)), view=poll_view(found))

    @app_commands.command(description="A poll's results (hidden until close when anonymous)")
    @app_commands.describe(poll=POLL)
    @app_commands.autocomplete(poll=open_polls)
    async def results(self, interaction: discord.Interaction, poll: int) -> None:
        """Show a poll's results or participation."""
        await bridge_of(interaction).run(interaction,
                                         lambda a, s: c.ShowResults(a, s, poll=poll))

    @app_commands.command(description="The open polls here, with how many have voted")
    async def polls(self, interaction: discord.Interaction) -> None:
        """List the open polls."""
        await bridge_of(interaction).run(interaction, lambda a, s: c.ListPolls(a, s))

    @app_commands.command(description="Close a poll now and announce the outcome")
    @app_commands.describe(poll=POLL)
    @app_commands.autocomplete(poll=open_polls)
    async def close(self, interaction: discord.Interaction, poll: int) -> None:
        """Close a poll (its creator or a facilitator)."""
        await bridge_of(interaction).run(interaction, lambda a, s: c.ClosePoll(a, s, poll=poll))

    @app_commands.command(description="End a poll without counting it")
    @app_commands.describe(poll=POLL)
    @app_commands.autocomplete(poll=open_polls)
    async def cancel(self, interaction: discord.Interaction, poll: int) -> None:
        """Cancel a poll (its creator or a facilitator)."""
        await bridge_of(interaction).run(interaction, lambda a, s: c.CancelPoll(a, s, poll=poll))

    @app_commands.command(description="Move a poll's closing time later")
    @app_commands.describe(poll=POLL, by="How much later: 1d, 12h")
    @app_commands.autocomplete(poll=open_polls)
    async def extend(self, interaction: discord.Interaction, poll: int, by: str) -> None:
        """Extend a poll (its creator or a facilitator)."""
        await bridge_of(interaction).run(interaction,
                                         lambda a, s: c.ExtendPoll(a, s, poll=poll, by=by))

    @app_commands.command(name="more-time", description="Ask privately for a poll to stay "
                                                         "open longer")
    @app_commands.describe(poll=POLL)
    @app_commands.autocomplete(poll=open_polls)
    async def more_time(self, interaction: discord.Interaction, poll: int) -> None:
        """Ask for more time; the creator hears how many asked, never who."""
        await bridge_of(interaction).run(interaction,
                                         lambda a, s: c.RequestMoreTime(a, s, poll=poll))

    @app_commands.command(description="The decision log")
    @app_commands.describe(count="How many decisions (default 10)",
                           poll="One decision in full, with its reasons and answers")
    async def decisions(self, interaction: discord.Interaction,
                        count: app_commands.Range[int, 1, 100] = 10,
                        poll: int | None = None) -> None:
        """Show the decision log, or one decision in full."""
        await bridge_of(interaction).run(
            interaction, lambda a, s: c.ListDecisions(a, s, limit=count, poll=poll))
