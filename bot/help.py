"""Help texts: what each command does and how to write it."""

from __future__ import annotations

from bot.anonymity import PROMISE_FULL
from bot.cards import Card, Items, Text

#: command -> (how to write it, what it does, examples)
TOPICS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "poll": (
        'poll "Question?" "Option 1" "Option 2" ... [--kind K] [--closes WHEN] [more options]',
        "Start a poll with 2 to 20 options of up to 80 characters. Kinds: choice (pick one, "
        "the default), multi (pick any; --max-picks N), ranked (rank them; --method schulze, "
        "irv or borda), score (0 to 5 for each), dots (spread --dots N dots). Polls are "
        "anonymous unless you add --open, and results stay hidden until close unless you add "
        "--show-results. --quorum 8 or --quorum 50% sets how many must vote; --threshold 60% "
        "sets the support the top option needs; --closes 2d, --closes friday 17:00 or "
        "--closes 2026-12-04 17:00 sets when it closes (in this space's time zone). Members "
        "who have not voted get a private reminder before it closes (by default 24 hours and "
        "1 hour before); --remind 48h,2h changes that and --no-remind turns it off.",
        ('poll "Where should PeerFest be?" "Library" "Park" "Town hall" --kind ranked --closes 2d',
         'poll "Which days suit you?" "Mon" "Wed" "Fri" --kind multi'),
    ),
    "propose": (
        'propose "Your proposal" [--closes WHEN] [--threshold N%] [--quorum N] [--open]',
        "Put a proposal to the group. People agree, abstain, disagree or block; a block needs "
        "a reason. It passes with no block and more agree than disagree (or the --threshold).",
        ('propose "Move the monthly meeting to Thursdays" --closes 7d',),
    ),
    "vote": (
        "vote #N <your choice>",
        "Vote on poll #N, or change your vote until it closes. Name options by number or by "
        "their exact name in quotes. Ranked: best first, you may leave some out. Multi: all "
        "you support. Score and dots: option=value pairs. Proposals: agree, abstain, disagree "
        "or block, then a reason. Only you see the confirmation.",
        ("vote #1 2", "vote #2 3 1 4", "vote #3 1=5 2=3",
         "vote #4 block it leaves out night workers"),
    ),
    "polls": ("polls", "List the open polls here and how many have voted in each.", ("polls",)),
    "results": (
        "results #N",
        "Show a poll's results. While an anonymous poll is open its results stay hidden, so "
        "nobody anchors on an early lead; you see how many have voted.",
        ("results #1",),
    ),
    "close": ("close #N", "Close a poll now and announce the outcome. Only its creator or a "
              "facilitator can do this.", ("close #1",)),
    "cancel": ("cancel #N", "End a poll without counting it; its ballots are deleted. Only its "
               "creator or a facilitator can do this.", ("cancel #1",)),
    "decisions": ("decisions [N]", "Show the decision log: the last 10 (or N) polls that ended "
                  "here, with their outcomes.", ("decisions", "decisions 30")),
    "more-time": ("more-time #N", "Ask, privately, for a poll to stay open longer. The person "
                  "who started it hears how many asked, never who.", ("more-time #1",)),
    "extend": ("extend #N TIME", "Move a poll's closing time later, and its reminders with it. "
               "Its creator or a facilitator can do this.", ("extend #1 1d", "extend #2 12h")),
    "schedule": (
        'schedule "Text" [options...] --cron "M H * * DAY" | --every TIME [--first WHEN] '
        "[--closes TIME]",
        "A facilitator sets up a recurring check-in; with options after the text, each time "
        "opens a poll (open for --closes). Times follow this space's time zone, including "
        "summer-time changes. At most once an hour.",
        ('schedule "Weekly check-in: how did this week go?" --cron "0 10 * * MON"',
         'schedule "Which day for the next meet-up?" "Tue" "Thu" --every 2w --closes 2d'),
    ),
    "schedules": ("schedules", "List the recurring check-ins and polls here.", ("schedules",)),
    "unschedule": ("unschedule #N", "Stop a recurring schedule (facilitators).",
                   ("unschedule #1",)),
    "timezone": ("timezone [ZONE]", "Show or set your own time zone, so private reminders fit "
                 "your day.", ("timezone Europe/London",)),
    "anonymity": ("", PROMISE_FULL, ()),
    "ties": (
        "",
        "Ties are always shown. When a single winner is needed, the order between tied options "
        "comes from a draw fixed when the poll is created: each option's label is put through "
        "SHA-256 together with the poll's number and question, and the smallest result goes "
        "first. It does not favour the option listed first, and anyone can check it.",
        (),
    ),
}


def help_card(topic: str | None, extra: dict[str, str] | None = None) -> Card:
    """Help on everything, or on one command.

    Args:
        topic: A command word, or None for the overview.
        extra: Lines an adapter adds for its own commands (e.g. the playground's ``as``).
    """
    if topic:
        key = topic.split()[0].lstrip("/")
        if key == "proposal":
            key = "propose"
        if key not in TOPICS:
            known = ", ".join(TOPICS)
            return Card(title="Help", lines=(Text(f"There is no help on {topic!r}. Try one of: "
                                                  f"{known}."),))
        usage, text, examples = TOPICS[key]
        lines = [Text(text)]
        if usage:
            lines.insert(0, Text(f"How to write it: {usage}"))
        if examples:
            lines.append(Items(tuple(examples), numbered=False))
        return Card(title=f"Help: {key}", lines=tuple(lines))
    items = [f"{name} — {usage}" for name, (usage, _, _) in TOPICS.items() if usage]
    items += [f"{name} — {text}" for name, text in (extra or {}).items()]
    return Card(
        title="What you can do",
        lines=(
            Items(tuple(items), numbered=False),
            Text("Type help and a command for details, e.g. help poll. Also: help anonymity, "
                 "help ties."),
        ),
    )
