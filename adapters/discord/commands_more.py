"""The rest of ``/roundtable``: groups, facilitators, ideas, schedules, exports, each
person's settings, voices and help.

Discord allows 25 subcommands per level, so related verbs of the playground grammar
are grouped (``/roundtable group join``, ``/roundtable schedule list``).
"""

from __future__ import annotations

from dataclasses import replace

import discord
from discord import app_commands

from adapters.discord.interact import bridge_of
from adapters.discord.translate import member_actor, role_ids, space_of
from bot import commands as c
from bot.commands import RolesSeen
from bot.errors import BadInput
from bot.i18n import LANGUAGES, _
from bot.parsing import tokenize
from bot.polls.parse import parse_poll_args
from bot.voices import handlers as v
from bot.voices.export import ExportContributions
from bot.words.help import TOPICS
from bot.words.language import parse_language

Choice = app_commands.Choice
ON_OFF = [Choice(name="on", value="on"), Choice(name="off", value="off")]
#: Each language by its own name ("Cymraeg (cy)"); "default" goes back to the channel's.
LANGUAGE_CHOICES = [*(Choice(name=f"{name} ({code})", value=code)
                      for code, name in sorted(LANGUAGES.items(), key=lambda item: item[1])),
                    Choice(name="default", value="default")]
#: Members whose roles are checked at once when a role is mapped onto a group.
MAX_ROLE_SYNC = 5000


def split_options(text: str | None) -> tuple[str, ...]:
    """Options typed in one box, separated by semicolons (or vertical bars)."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.replace("|", ";").split(";") if part.strip())


async def _run(interaction: discord.Interaction, build) -> None:
    await bridge_of(interaction).run(interaction, build)


def _mention(member: discord.abc.User) -> str:
    return f"<@{member.id}>"


async def group_slugs(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    """Autocomplete: this channel's groups."""
    if interaction.guild_id is None:
        return []
    groups = await bridge_of(interaction).store.groups(space_of(interaction))
    return [Choice(name=f"{g.slug} ({g.name})"[:100], value=g.slug) for g in groups
            if current.casefold() in g.slug][:25]


@app_commands.guild_only()
class GroupCommands(app_commands.Group, name="group", description="The groups that decide "
                    "together here (staff, lived experience, carers…)"):
    """``/roundtable group …``."""

    @app_commands.command(description="Declare a group (facilitators)")
    @app_commands.describe(slug="Short name: lived-experience", name="Full name")
    async def add(self, interaction: discord.Interaction, slug: str,
                  name: str | None = None) -> None:
        """Declare a group."""
        await _run(interaction, lambda a, s: c.AddGroup(a, s, slug=slug.lower(), name=name))

    @app_commands.command(description="Remove a group and its memberships (facilitators)")
    @app_commands.autocomplete(slug=group_slugs)
    async def remove(self, interaction: discord.Interaction, slug: str) -> None:
        """Remove a group."""
        await _run(interaction, lambda a, s: c.RemoveGroup(a, s, slug=slug))

    @app_commands.command(description="Say you belong to a group")
    @app_commands.autocomplete(slug=group_slugs)
    async def join(self, interaction: discord.Interaction, slug: str) -> None:
        """Join a group."""
        await _run(interaction, lambda a, s: c.JoinGroup(a, s, slug=slug))

    @app_commands.command(description="Leave a group")
    @app_commands.autocomplete(slug=group_slugs)
    async def leave(self, interaction: discord.Interaction, slug: str) -> None:
        """Leave a group."""
        await _run(interaction, lambda a, s: c.LeaveGroup(a, s, slug=slug))

    @app_commands.command(description="Put someone in a group (facilitators)")
    @app_commands.autocomplete(slug=group_slugs)
    async def assign(self, interaction: discord.Interaction, slug: str,
                     member: discord.Member) -> None:
        """Assign a member to a group."""
        await _run(interaction, lambda a, s: c.AssignGroup(a, s, slug=slug,
                                                           person=_mention(member)))

    @app_commands.command(description="Take someone out of a group (facilitators)")
    @app_commands.autocomplete(slug=group_slugs)
    async def unassign(self, interaction: discord.Interaction, slug: str,
                       member: discord.Member) -> None:
        """Take a member out of a group."""
        await _run(interaction, lambda a, s: c.AssignGroup(
            a, s, slug=slug, person=_mention(member), remove=True))

    @app_commands.command(description="Keep a group in step with a Discord role (facilitators)")
    @app_commands.autocomplete(slug=group_slugs)
    async def map(self, interaction: discord.Interaction, slug: str, role: discord.Role) -> None:
        """Map a role onto a group; its holders the bot knows join now, others as seen."""
        await _run(interaction, lambda a, s: c.MapGroup(a, s, slug=slug, role=str(role.id)))
        bridge = bridge_of(interaction)
        space = space_of(interaction)
        for holder in list(getattr(role, "members", ()))[:MAX_ROLE_SYNC]:
            # Only with the members intent is the role's member list known; else roles sync
            # when each holder next acts or their roles change.
            await bridge.core.handle(RolesSeen(member_actor(holder), space,
                                               role_ids=role_ids(holder)))

    @app_commands.command(description="Stop keeping a group in step with a role (facilitators)")
    @app_commands.autocomplete(slug=group_slugs)
    async def unmap(self, interaction: discord.Interaction, slug: str) -> None:
        """Remove a group's role mapping."""
        await _run(interaction, lambda a, s: c.MapGroup(a, s, slug=slug, role=None))

    @app_commands.command(name="list", description="The groups here, with member counts")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List the groups."""
        await _run(interaction, lambda a, s: c.ListGroups(a, s))


@app_commands.guild_only()
class FacilitatorCommands(app_commands.Group, name="facilitator",
                          description="Who facilitates this channel"):
    """``/roundtable facilitator …``; Manage Server makes a facilitator already."""

    @app_commands.command(description="Name someone a facilitator (facilitators)")
    async def add(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Name a facilitator."""
        await _run(interaction, lambda a, s: c.ChangeFacilitator(a, s, person=_mention(member)))

    @app_commands.command(description="Stop someone being a named facilitator (facilitators)")
    async def remove(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Remove a named facilitator."""
        await _run(interaction, lambda a, s: c.ChangeFacilitator(
            a, s, person=_mention(member), remove=True))

    @app_commands.command(name="list", description="Who facilitates here")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List facilitators."""
        await _run(interaction, lambda a, s: c.ListFacilitators(a, s))


@app_commands.guild_only()
class IdeasCommands(app_commands.Group, name="ideas", description="Ideas rounds: collect "
                    "ideas anonymously, then turn the best into a poll"):
    """``/roundtable ideas …``."""

    @app_commands.command(description="Open an ideas round")
    @app_commands.describe(question="What ideas are for", closes="When it closes: 3d…")
    async def start(self, interaction: discord.Interaction, question: str,
                    closes: str | None = None) -> None:
        """Open an ideas round."""
        await _run(interaction, lambda a, s: c.StartIdeas(a, s, question=question, closes=closes))

    @app_commands.command(description="Add an idea, anonymously (up to 80 characters)")
    async def add(self, interaction: discord.Interaction, round: int,
                  idea: app_commands.Range[str, 1, 200]) -> None:
        """Add an idea."""
        await _run(interaction, lambda a, s: c.AddIdea(a, s, round=round, text=idea))

    @app_commands.command(name="list", description="A round's ideas, without who added them")
    async def list_(self, interaction: discord.Interaction, round: int) -> None:
        """List a round's ideas."""
        await _run(interaction, lambda a, s: c.ListIdeas(a, s, round=round))

    @app_commands.command(name="to-poll", description="Turn chosen ideas into a poll "
                                                      "(facilitators)")
    @app_commands.describe(picks="Idea numbers: 1,3,4", question="A new question (optional)",
                           settings="Any poll settings: --kind ranked --closes 2d --rule parity")
    async def to_poll(self, interaction: discord.Interaction, round: int, picks: str,
                      question: str | None = None, settings: str | None = None) -> None:
        """Make a poll from ideas, with any of the poll's settings as flags."""
        def build(a, s) -> c.IdeasToPoll:
            poll = parse_poll_args([question or "?", *tokenize(settings or "")], a, s)
            if poll.options:
                raise BadInput(_("Settings are only --flags, like --kind ranked --closes 2d."))
            return c.IdeasToPoll(a, s, round=round, picks=picks,
                                 poll=replace(poll, question=question or ""))

        await _run(interaction, build)


@app_commands.guild_only()
class ScheduleCommands(app_commands.Group, name="schedule",
                       description="Recurring check-ins and polls (facilitators)"):
    """``/roundtable schedule …``."""

    @app_commands.command(description="A recurring check-in, or a recurring poll with options")
    @app_commands.describe(text="The check-in text or poll question", cron="Like 0 10 * * MON",
                           every="Like 2w", options="Poll options separated by ;",
                           first="First time", closes="How long each poll stays open")
    async def new(self, interaction: discord.Interaction, text: str, cron: str | None = None,
                  every: str | None = None, options: str | None = None,
                  first: str | None = None, closes: str | None = None) -> None:
        """Set up a recurring check-in or poll."""
        await _run(interaction, lambda a, s: c.CreateSchedule(
            a, s, text=text, options=split_options(options), cron=cron, every=every,
            first=first, closes=closes))

    @app_commands.command(name="list", description="The recurring schedules here")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List schedules."""
        await _run(interaction, lambda a, s: c.ListSchedules(a, s))

    @app_commands.command(description="Stop a recurring schedule")
    async def stop(self, interaction: discord.Interaction, number: int) -> None:
        """Remove a schedule."""
        await _run(interaction, lambda a, s: c.RemoveSchedule(a, s, number=number))


@app_commands.guild_only()
class ExportCommands(app_commands.Group, name="export",
                     description="Records as files, sent only to you (facilitators)"):
    """``/roundtable export …``: a group, so the decision log can join it later."""

    @app_commands.command(description="Who took part here, counts only, as a CSV file only "
                                      "you see")
    @app_commands.rename(since="from", until="to")
    @app_commands.describe(since="First day, like 2026-01-01 (default: 30 days ago)",
                           until="Last day, like 2026-01-31 (default: today)")
    async def contributions(self, interaction: discord.Interaction, since: str | None = None,
                            until: str | None = None) -> None:
        """The contribution record of this channel, attached to an ephemeral answer."""
        await _run(interaction, lambda a, s: ExportContributions(a, s, since=since,
                                                                 until=until))


def _on(setting: Choice[str] | None) -> bool | None:
    return None if setting is None else setting.value == "on"


@app_commands.guild_only()
class SettingsCommands(app_commands.Group, name="settings",
                       description="Your own settings: language, time zone, nudges, payments"):
    """``/roundtable settings …``: each person's own choices, answered only to them.

    A group so that ``/roundtable`` stays within Discord's 25 subcommands.
    """

    @app_commands.command(description="The language I write to you in (leave empty to see it)")
    @app_commands.describe(language="Cymraeg, English, or default: this channel's language")
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def language(self, interaction: discord.Interaction,
                       language: Choice[str] | None = None) -> None:
        """Show, choose or reset the person's language (Discord has no Welsh locale)."""
        words = [language.value] if language is not None else []
        await _run(interaction, lambda a, s: parse_language(words, a, s))

    @app_commands.command(description="Your own time zone, for private reminders")
    async def timezone(self, interaction: discord.Interaction, zone: str | None = None) -> None:
        """Show or set the person's time zone."""
        await _run(interaction, lambda a, s: c.SetTimezone(a, s, timezone=zone))

    @app_commands.command(description="Private nudges on or off")
    @app_commands.choices(setting=ON_OFF)
    async def nudges(self, interaction: discord.Interaction,
                     setting: Choice[str] | None = None) -> None:
        """Show or switch the person's nudges."""
        await _run(interaction, lambda a, s: v.SetNudges(a, s, on=_on(setting)))

    @app_commands.command(description="Whether you want involvement payments")
    @app_commands.choices(setting=ON_OFF)
    async def payments(self, interaction: discord.Interaction,
                       setting: Choice[str] | None = None) -> None:
        """Show or say whether the person wants involvement payments."""
        await _run(interaction, lambda a, s: v.SetPayments(a, s, on=_on(setting)))


SUBGROUPS = (GroupCommands, FacilitatorCommands, IdeasCommands, ScheduleCommands,
             ExportCommands, SettingsCommands)


@app_commands.command(description="The balance of voices between groups (numbers only)")
async def balance(interaction: discord.Interaction,
                  days: app_commands.Range[int, 1, 365] | None = None) -> None:
    """Show the balance of voices."""
    await _run(interaction, lambda a, s: v.ShowBalance(a, s, days=str(days) if days else None))


@app_commands.command(description="Your own record here; only you see it")
async def me(interaction: discord.Interaction) -> None:
    """Show the person's own record."""
    await _run(interaction, lambda a, s: v.ShowMine(a, s))


@app_commands.command(name="my-data", description="Everything stored about you, privately")
async def my_data(interaction: discord.Interaction) -> None:
    """Show the person's data."""
    await _run(interaction, lambda a, s: v.ShowMyData(a, s))


@app_commands.command(name="forget-me", description="Erase everything stored about you")
async def forget_me(interaction: discord.Interaction, confirm: bool = False) -> None:
    """Explain, or with confirm erase, what is stored about the person."""
    await _run(interaction, lambda a, s: v.ForgetMe(a, s, confirm=confirm))


@app_commands.command(description="Answer a reason given on your closed proposal")
@app_commands.describe(poll="The proposal's number", answer="What you changed or why not",
                       reason="The reason's number, or all (optional if only one is left)")
async def respond(interaction: discord.Interaction, poll: int, answer: str,
                  reason: str | None = None) -> None:
    """Answer a block or disagreement."""
    await _run(interaction, lambda a, s: c.Respond(a, s, poll=poll, text=answer, reason=reason))


@app_commands.command(name="follow-up", description="Say what was done after a decision")
@app_commands.describe(poll="The decision's number", what="What was done about it")
async def follow_up(interaction: discord.Interaction, poll: int, what: str) -> None:
    """Record what came of a decision."""
    await _run(interaction, lambda a, s: c.FollowUp(a, s, poll=poll, text=what))


async def help_topics(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    """Autocomplete: the help topics."""
    return [Choice(name=t, value=t) for t in TOPICS if current.casefold() in t][:25]


@app_commands.command(name="help", description="What you can do, or how one command works")
@app_commands.autocomplete(topic=help_topics)
async def help_(interaction: discord.Interaction, topic: str | None = None) -> None:
    """Show help."""
    await _run(interaction, lambda a, s: c.Help(a, s, topic=topic))


COMMANDS = (balance, me, my_data, forget_me, respond, follow_up, help_)
