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
        "1 hour before); --remind 48h,2h changes that and --no-remind turns it off. "
        "--rule parity or --rule equal-weight and --quorum-each N% bring in the space's "
        "groups (see help rules).",
        ('poll "Where should PeerFest be?" "Library" "Park" "Town hall" --kind ranked --closes 2d',
         'poll "Which days suit you?" "Mon" "Wed" "Fri" --kind multi'),
    ),
    "propose": (
        'propose "Your proposal" [--closes WHEN] [--threshold N%] [--quorum N] [--rule R] '
        "[--open]",
        "Put a proposal to the group. People agree, abstain, disagree or block; a block needs "
        "a reason. It passes with no block and more agree than disagree (or the --threshold). "
        "With --rule consent a block holds it until you answer the reason (see help respond); "
        "--rule parity needs agreement in every group (see help rules).",
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
    "say": ("say [--reply] TEXT", "In the playground, count a message as if it were written "
            "in the channel (--reply: a reply). Only that it happened is kept, never the words. "
            "On Slack and Discord ordinary messages are counted the same way.",
            ('say "Hello all"', "say --reply thanks")),
    "balance": ("balance [--days N]", "The balance of voices between this space's groups over "
                "the last 14 days (or N, up to 365): each group's share of contributions beside "
                "its share of members, how many of its members took part, and how evenly "
                "everyone contributed. Group-level figures only; nobody is named.",
                ("balance", "balance --days 30")),
    "me": ("me", "Your own record here, month by month: decisions you took part in (never what "
           "you chose), messages, replies, ideas and responses. Only you see it.",
           ("me",)),
    "nudges": ("nudges [on|off]", "Turn private nudges on or off. A nudge is a kind private "
               "message when a decision could use your voice: at most one every few days, never "
               "in your quiet hours. On its own, nudges shows your setting, and facilitators also "
               "see how many nudges went out (never to whom).", ("nudges off", "nudges on")),
    "payments": ("payments [on|off]", "Say whether you want involvement payments for taking "
                 "part. payments off marks you as not wanting payment in the contribution record "
                 "(for example because of benefits); your contributions are still recognised.",
                 ("payments off", "payments on")),
    "my-data": ("my-data", "Everything Roundtable stores about you, as JSON, shown only to you. "
                "Ballots are not in it: nothing links a ballot to you.", ("my-data",)),
    "forget-me": ("forget-me [confirm]", "Erase everything Roundtable stores about you. It "
                  "explains first; forget-me confirm does it. Ballots, decisions and turnout "
                  "figures stay, because nothing in them points to you.",
                  ("forget-me", "forget-me confirm")),
    "group": (
        'group add SLUG ["Name"] | join SLUG | leave SLUG | assign SLUG @person | unassign '
        "SLUG @person | map SLUG ROLE-ID | unmap SLUG | remove SLUG",
        "Groups are the constituencies that decide together, like staff and people with lived "
        "experience. A facilitator declares them; you join the ones you belong to (you may be "
        "in several), or a facilitator assigns you. On Discord and Slack a facilitator can map "
        "a role or user group onto a group, and its holders join it automatically. Only "
        "numbers of members are ever shown, never names.",
        ('group add lived-experience "People with lived experience"',
         "group join lived-experience", "group assign staff @sam", "group map staff 1234567890"),
    ),
    "groups": ("groups", "List this space's groups with how many members each has.",
               ("groups",)),
    "facilitator": ("facilitator add @person | facilitator remove @person",
                    "Facilitators manage groups, turn ideas into polls and can close or extend "
                    "anyone's poll. Whoever has the facilitator or admin role on the platform is "
                    "one; they can name others here.",
                    ("facilitator add @priya", "facilitator remove @priya")),
    "facilitators": ("facilitators", "Show who facilitates this space.", ("facilitators",)),
    "rules": (
        "",
        "How groups count in a poll or proposal: --rule majority, consent, parity or "
        "equal-weight, and --quorum-each N%. majority (the default): the most support "
        "wins. consent (proposals): a block holds the proposal until the proposer answers it. "
        "parity: the winner (or agree) needs a majority, or the --threshold, within every "
        "group that votes; for ranked, score and dots polls the winner must also come first "
        "in every group. equal-weight: each group's ballots weigh the same in total, whatever "
        "its size (not for ranked polls). --quorum-each 50%: half of every group's members "
        "must vote. Groups with only a few ballots (fewer than 5 unless the config says "
        "otherwise) are counted, but their numbers are not "
        "shown. These need the space to have groups.",
        ('propose "Move the meeting to Thursdays" --rule parity',
         'poll "Which focus?" "Art" "Sport" --kind score --rule equal-weight --quorum-each 40%'),
    ),
    "respond": (
        'respond #N [REASON|all] "your answer"',
        "After a proposal closes, its proposer answers each reason given with a block or a "
        "disagreement (by its number in the outcome). A proposal that passed is final only "
        "once every reason has an answer; answers are posted, and kept in the decision log "
        "beside the reasons, without names.",
        ('respond #3 1 "We moved it to 6pm so carers can come"',
         'respond #3 all "We will review it after two months"'),
    ),
    "ideas": (
        'ideas "Question?" [--closes WHEN] | ideas #N | ideas #N to-poll 1,3,4 [poll flags]',
        "Open an ideas round where anyone adds ideas, anonymously; ideas #N lists them, "
        "numbered, without who added them. When it closes (or before), a facilitator turns "
        "chosen ideas into a poll; any poll flags work, like --kind ranked or --rule parity, "
        "and a question in quotes replaces the round's.",
        ('ideas "What should PeerFest focus on?" --closes 3d', "ideas #1",
         "ideas #1 to-poll 2,5,7,8 --kind ranked --rule parity --closes friday 17:00"),
    ),
    "idea": ('idea #N "your idea"', "Add an idea to an open ideas round. Nobody, not even the "
             "facilitators, can see who added it. Up to 80 characters, so it can become a poll "
             "option; the same idea twice is refused.", ('idea #1 "A quiet room at every event"',)),
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


#: command -> what it does, in a few words, for the overview (``help`` alone).
SUMMARIES: dict[str, str] = {
    "poll": "start a poll",
    "propose": "put a proposal to the group (agree, abstain, disagree, block)",
    "vote": "vote on a poll or proposal, or change your vote",
    "polls": "list the open polls here",
    "results": "see a poll's results",
    "close": "end a poll now and post its outcome",
    "cancel": "end a poll without counting it",
    "decisions": "the log of decisions taken here",
    "more-time": "ask privately for a poll to stay open longer",
    "extend": "move a poll's closing time later",
    "schedule": "set up a recurring check-in or poll (facilitators)",
    "schedules": "list the recurring check-ins and polls",
    "unschedule": "stop a recurring check-in or poll",
    "timezone": "show or set your own time zone",
    "say": "count a message in the channel (playground only)",
    "balance": "the balance of voices between groups",
    "me": "your own record here, privately",
    "nudges": "turn private nudges on or off",
    "payments": "say whether you want involvement payments",
    "my-data": "everything stored about you, privately",
    "forget-me": "erase everything stored about you",
    "group": "declare groups, join or leave them",
    "groups": "the groups here and how many are in each",
    "facilitator": "name or remove a facilitator",
    "facilitators": "who facilitates here",
    "respond": "answer the reasons given on a closed proposal",
    "ideas": "collect ideas anonymously, then turn chosen ones into a poll",
    "idea": "add an idea to an ideas round, anonymously",
}


def help_card(topic: str | None, extra: dict[str, str] | None = None) -> Card:
    """Help on everything, or on one command.

    Args:
        topic: A command word, or None for the overview.
        extra: Lines an adapter adds for its own commands (e.g. the playground's ``as``).
    """
    words = topic.split() if topic else []
    if words:
        key = words[0].lstrip("/")
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
    items = [f"{name} — {SUMMARIES[name]}" for name, (usage, _, _) in TOPICS.items() if usage]
    items += [f"{name} — {text}" for name, text in (extra or {}).items()]
    return Card(
        title="What you can do",
        lines=(
            Items(tuple(items), numbered=False),
            Text("Type help and a command to see how to write it, e.g. help poll. Also: "
                 "help anonymity, help ties, help rules."),
        ),
    )
