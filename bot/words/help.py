"""Help texts: what each command does and how to write it."""

from __future__ import annotations

from bot.anonymity import PROMISE_FULL
from bot.cards import Card, Items, Text
from bot.i18n import N_, _
from bot.words.grammar import WELSH_VERBS

#: The words that have no plainer form, each said once, for ``help words``.
WORDS = (
    N_("Facilitator: a person who runs the group."),
    N_("Proposal: an idea put to the group for a yes or no."),
    N_("Abstain: take no side."),
    N_("Block: a strong no, with a reason. It stops a proposal until someone answers it."),
    N_("Anonymous: nobody can see who chose what."),
    N_("Quorum: how many must vote for a result to count."),
    N_("Threshold: how much support the winner needs, like 60%."),
    N_("Parity: the winner must also win in each group."),
    N_("Equal weight: each group counts the same, however big it is."),
    N_("Tie-break: the draw that picks one winner from a tie."),
    N_("Ranked methods: schulze compares each pair of options. irv drops the last one, round "
       "by round. borda gives points for each place."),
)

#: command -> (how to write it, what it does, examples)
TOPICS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "poll": (
        'poll "Question?" "Option 1" "Option 2" ... [--kind K] [--closes WHEN] [more options]',
        N_("Start a poll with 2 to 20 options. Each option can be up to 80 letters long. "
           "Kinds: choice (pick one; this is the default), multi (pick any), ranked (put them "
           "in order), score (give each 0 to 5) and dots (share out some dots). Nobody sees "
           "who voted for what, unless you add --open. Results stay hidden until the poll "
           "ends, unless you add --show-results. --closes 2d or --closes friday 17:00 says "
           "when it ends. --quorum 8 says how many must vote. --threshold 60% says how much "
           "support the top option needs. People who have not voted get a private reminder a "
           "day and an hour before it ends. --remind 48h,2h changes that, and --no-remind "
           "turns it off. For rules about groups, see help rules. For the words, see help "
           "words."),
        ('poll "Where should PeerFest be?" "Library" "Park" "Town hall" --kind ranked --closes 2d',
         'poll "Which days suit you?" "Mon" "Wed" "Fri" --kind multi'),
    ),
    "propose": (
        'propose "Your proposal" [--closes WHEN] [--threshold N%] [--quorum N] [--rule R] '
        "[--open]",
        N_("Put an idea to the group for a yes or no. People agree, abstain (stay out), "
           "disagree or block. A block needs a reason. It passes if nobody blocks and more "
           "agree than disagree. With --rule consent, a block holds it until you answer the "
           "reason (see help respond). With --rule parity, every group must agree (see help "
           "rules)."),
        ('propose "Move the monthly meeting to Thursdays" --closes 7d',),
    ),
    "vote": (
        "vote #N <your choice>",
        N_("Vote on poll #N. You can change your vote until it ends. Name options by number, "
           "or by their name in quotes. Ranked: best first; you can leave some out. Multi: "
           "all you like. Score and dots: option=points, like 1=5. Proposals: agree, abstain, "
           "disagree or block, then your reason. Only you see the reply."),
        ("vote #1 2", "vote #2 3 1 4", "vote #3 1=5 2=3",
         "vote #4 block it leaves out night workers"),
    ),
    "polls": ("polls", N_("List the open polls here and how many have voted in each."), ("polls",)),
    "results": (
        "results #N",
        N_("Show a poll's results. While a poll is open, its results stay hidden, so an early "
           "lead does not sway anyone. You see how many have voted."),
        ("results #1",),
    ),
    "close": (
        "close #N",
        N_("End a poll now and post the result. Only the person who started it, or a "
           "facilitator, can do this."),
        ("close #1",),
    ),
    "cancel": (
        "cancel #N",
        N_("End a poll without counting it. Its votes are deleted. Only the person who "
           "started it, or a facilitator, can do this."),
        ("cancel #1",),
    ),
    "decisions": (
        "decisions [N] | decisions #N",
        N_("Show the record of decisions: the last 10 polls that ended here (or the last N), "
           "with their results. decisions #N shows one in full, with the reasons people gave "
           "and the answers."),
        ("decisions", "decisions 30", "decisions #3"),
    ),
    "more-time": (
        "more-time #N",
        N_("Ask, in private, for a poll to stay open longer. The person who started it hears "
           "how many asked, but never who."),
        ("more-time #1",),
    ),
    "extend": (
        "extend #N TIME",
        N_("Give a poll more time. Its reminders move too. The person who started it, or a "
           "facilitator, can do this."),
        ("extend #1 1d", "extend #2 12h"),
    ),
    "schedule": (
        'schedule "Text" [options...] --cron "M H * * DAY" | --every TIME [--first WHEN] '
        "[--closes TIME]",
        N_("A facilitator sets up a check-in that comes back, like every Monday at 10. With "
           "options after the text, each time it opens a poll (open for --closes). --every 1w "
           'means every week. --cron "0 10 * * MON" means 10:00 each Monday: minute, hour, '
           "day, month, weekday. Times follow this space's clock, summer time too."),
        ('schedule "Weekly check-in: how did this week go?" --cron "0 10 * * MON"',
         'schedule "Which day for the next meet-up?" "Tue" "Thu" --every 2w --closes 2d'),
    ),
    "schedules": (
        "schedules",
        N_("List the check-ins and polls that come back here."),
        ("schedules",),
    ),
    "unschedule": (
        "unschedule #N",
        N_("Stop a check-in that comes back. Only a facilitator can do this."),
        ("unschedule #1",),
    ),
    "timezone": (
        "timezone [ZONE]",
        N_("Show or set your own time zone, so your private messages fit your day. A "
           "closing time you write, like --closes friday 17:00, is read in it too."),
        ("timezone Europe/London",),
    ),
    "language": (
        "language [cy|en|default]",
        N_("Choose the language I write to you in. language cy is Welsh (Cymraeg) and "
           "language en is English. language on its own shows your choice, and language "
           "default goes back to this space's language. You can write iaith instead of "
           "language. English command words always work. On a proposal, you can also vote "
           "cytuno (agree), ymatal (abstain), anghytuno (disagree) or blocio (block)."),
        ("language cy", "iaith en", "language default"),
    ),
    "say": (
        "say [--reply] TEXT",
        N_("In the playground, count a message as if it were written in the channel (--reply: "
           "a reply). Only that it happened is kept, never the words. On Slack and Discord "
           "ordinary messages are counted the same way."),
        ('say "Hello all"', "say --reply thanks"),
    ),
    "balance": (
        "balance [--days N]",
        N_("See if every group is being heard. For the last 14 days (or N days), it shows how "
           "much each group said, next to how big the group is. It shows how many in each "
           "group took part, and if a few people did most of the talking. It shows groups "
           "only. Nobody is named."),
        ("balance", "balance --days 30"),
    ),
    "me": (
        "me",
        N_("Your own record here, month by month. It counts the decisions you took part in "
           "(never what you chose), your messages, replies, ideas and answers. Only you see "
           "it."),
        ("me",),
    ),
    "nudges": (
        "nudges [on|off]",
        N_("Turn nudges on or off. A nudge is a kind private message when a decision could "
           "use your voice. You get one every few days at most, and never at night. nudges on "
           "its own shows your setting. Facilitators also see how many nudges went out, but "
           "never to whom."),
        ("nudges off", "nudges on"),
    ),
    "payments": (
        "payments [on|off]",
        N_("Say if you want to be paid for taking part. Some people say no, for example "
           "because of their benefits. payments off puts that in the record. What you did "
           "still counts."),
        ("payments off", "payments on"),
    ),
    "export": (
        "export contributions [--from YYYY-MM-DD] [--to YYYY-MM-DD]",
        N_("A facilitator gets the record of who took part here, as a file (CSV) for payments "
           "or thanks. It has counts only, never what anyone chose. Only the person who asked "
           "gets it. It covers the last 30 days, or the days you give. On Slack it comes in "
           "your messages with Roundtable. On Discord only you can see it."),
        ("export contributions", "export contributions --from 2026-01-01 --to 2026-01-31"),
    ),
    "my-data": (
        "my-data",
        N_("See all we keep about you. Only you see it. Your votes are not in it, because "
           "nothing links a vote to you."),
        ("my-data",),
    ),
    "forget-me": (
        "forget-me [confirm]",
        N_("Delete all we keep about you. First it tells you what will go; forget-me confirm "
           "does it. Votes and decisions stay, because nothing in them points to you."),
        ("forget-me", "forget-me confirm"),
    ),
    "group": (
        'group add SHORT-NAME ["Name"] | join SHORT-NAME | leave SHORT-NAME | assign SHORT-NAME '
        "@person | unassign SHORT-NAME @person | map SHORT-NAME ROLE-ID | unmap SHORT-NAME | "
        "remove SHORT-NAME",
        N_("Groups are the parts of the group that decide together, like staff and people "
           "with lived experience. A facilitator sets them up with a short name (like staff). "
           "You join the ones you belong to; you can be in more than one. A facilitator can "
           "also add you, or link a Discord role or Slack group to a group. Only numbers are "
           "shown, never names."),
        ('group add lived-experience "People with lived experience"',
         "group join lived-experience", "group assign staff @sam", "group map staff 1234567890"),
    ),
    "groups": ("groups", N_("List the groups here, and how many people are in each."), ("groups",)),
    "facilitator": (
        "facilitator add @person | facilitator remove @person",
        N_("Facilitators run the group. They set up groups, turn ideas into polls, and can "
           "end or extend any poll. Anyone with the admin role is one. They can name others "
           "here."),
        ("facilitator add @priya", "facilitator remove @priya"),
    ),
    "facilitators": ("facilitators", N_("Show who facilitates this space."), ("facilitators",)),
    "rules": (
        "",
        N_("How groups count. --rule majority is the default: the most support wins. --rule "
           "consent (for proposals): a block holds it until the person who proposed it "
           "answers the reason. --rule parity: the winner needs most of the votes in every "
           "group that votes. In ranked, score and dots polls, it must also come first in "
           "every group. --rule equal-weight: each group counts the same, however big it is. "
           "--quorum-each 50%: half of each group must vote. A group with only a few votes "
           "(under 5) is counted, but its numbers are not shown. These need the space to have "
           "groups."),
        ('propose "Move the meeting to Thursdays" --rule parity',
         'poll "Which focus?" "Art" "Sport" --kind score --rule equal-weight --quorum-each 40%'),
    ),
    "respond": (
        'respond #N [REASON|all] "your answer"',
        N_("When a proposal ends, the person who proposed it answers each reason people gave "
           "when they blocked or disagreed. Each reason has a number in the result. A "
           "proposal that passed is only final once every reason has an answer. Answers are "
           "posted and kept with the reasons. No names are shown."),
        ('respond #3 1 "We moved it to 6pm so carers can come"',
         'respond #3 all "We will review it after two months"'),
    ),
    "follow-up": (
        'follow-up #N "what was done"',
        N_("After a decision, say what was done about it. It is posted, and kept in the "
           "record with the decision, so people can see what came of their say. The person "
           "who started it, or a facilitator, can do this."),
        ('follow-up #3 "We booked the hall for Thursdays from March"',),
    ),
    "amend": (
        'amend #N "new wording"',
        N_("When a proposal does not pass, or someone blocks it, try again with new wording. "
           "This starts a new round. It keeps the same rules and runs for the same length of "
           "time. The channel first sees the reasons given before, and the answers. Everyone "
           "votes again, even those who blocked, and votes stay secret. The person who "
           "proposed it, or a facilitator, can do this once the round has closed. A proposal "
           "is only decided when a round passes with no block. decisions #N shows every "
           "round."),
        ('amend #3 "Move the meeting to Thursday evenings, after school pick-up"',),
    ),
    "ideas": (
        'ideas "Question?" [--closes WHEN] | ideas #N | ideas #N to-poll 1,3,4 [poll flags]',
        N_("Start a round where anyone can add ideas. Nobody sees who added which. ideas #N "
           "lists them, with numbers. When it ends (or before), a facilitator can turn some "
           "ideas into a poll. Poll options like --kind ranked work here too."),
        ('ideas "What should PeerFest focus on?" --closes 3d', "ideas #1",
         "ideas #1 to-poll 2,5,7,8 --kind ranked --rule parity --closes friday 17:00"),
    ),
    "idea": (
        'idea #N "your idea"',
        N_("Add an idea to an open round. Nobody can see who added it, not even the "
           "facilitators. Keep it to 80 letters, so it can become a poll option. The same "
           "idea twice is turned down."),
        ('idea #1 "A quiet room at every event"',),
    ),
    "anonymity": ("", PROMISE_FULL, ()),
    "words": ("", N_("The few words here with no plainer form:"), WORDS),
    "ties": (
        "",
        N_("Ties are always shown. When there must be one winner, a draw decides. The draw is "
           "fixed when the poll starts, and the poll shows its order. It comes from the "
           "poll's number, question and options, so anyone can check it. It does not favour "
           "the first option on the list."),
        (),
    ),
}


#: command -> what it does, in a few words, for the overview (``help`` alone).
SUMMARIES: dict[str, str] = {
    "poll": N_("start a poll"),
    "propose": N_("put an idea to the group for a yes or no"),
    "vote": N_("vote on a poll or proposal, or change your vote"),
    "polls": N_("list the open polls here"),
    "results": N_("see a poll's results"),
    "close": N_("end a poll now and post its outcome"),
    "cancel": N_("end a poll without counting it"),
    "decisions": N_("the record of decisions made here"),
    "more-time": N_("ask privately for a poll to stay open longer"),
    "extend": N_("move a poll's closing time later"),
    "schedule": N_("set up a check-in or poll that comes back"),
    "schedules": N_("list the check-ins and polls that come back"),
    "unschedule": N_("stop a check-in that comes back"),
    "timezone": N_("show or set your own time zone"),
    "language": N_("choose the language I write to you in"),
    "say": N_("count a message in the channel (playground only)"),
    "balance": N_("see if every group is being heard"),
    "me": N_("your own record here, privately"),
    "nudges": N_("turn private nudges on or off"),
    "payments": N_("say if you want to be paid for taking part"),
    "export": N_("get the record of who took part, as a file (facilitators)"),
    "my-data": N_("see all we keep about you"),
    "forget-me": N_("delete all we keep about you"),
    "group": N_("declare groups, join or leave them"),
    "groups": N_("the groups here and how many are in each"),
    "facilitator": N_("add or remove someone who runs the group"),
    "facilitators": N_("see who runs the group here"),
    "respond": N_("answer the reasons people gave on your proposal"),
    "follow-up": N_("say what was done after a decision"),
    "amend": N_("try a proposal again with new wording"),
    "ideas": N_("collect ideas without names, then make a poll of some"),
    "idea": N_("add an idea to a round, without your name"),
}


#: Other words people may ask help on: word -> topic (Welsh verbs come from the grammar).
_TOPIC_WORDS = {"proposal": "propose", "cymraeg": "language", "iaith": "language",
                "welsh": "language", **WELSH_VERBS}


def help_card(topic: str | None, extra: dict[str, str] | None = None) -> Card:
    """Help on everything, or on one command, in the reader's language.

    How to write a command and its examples stay in English: English commands always work.

    Args:
        topic: A command word (English, or a Welsh word for it), or None for the overview.
        extra: Lines an adapter adds for its own commands (e.g. the playground's ``as``).
    """
    words = topic.split() if topic else []
    if words:
        key = words[0].lstrip("/")
        key = _TOPIC_WORDS.get(key, key)
        if key not in TOPICS:
            return Card(title=_("Help"), lines=(Text(
                _("There is no help on {topic!r}. Try one of: {known}.").format(
                    topic=topic, known=", ".join(TOPICS))),))
        usage, text, examples = TOPICS[key]
        lines = [Text(_(text))]
        if usage:
            lines.insert(0, Text(_("How to write it: {usage}").format(usage=usage)))
        if examples:
            # The glossary is prose to read; every other example is a command to copy.
            shown = tuple(_(word) for word in examples) if examples is WORDS else examples
            lines.append(Items(tuple(shown), numbered=False))
        if key == "language":
            lines += [Text(_("These commands have Welsh words too:")),
                      Items(_welsh_verbs(), numbered=False)]
        return Card(title=_("Help: {topic}").format(topic=key), lines=tuple(lines))
    items = [f"{name} — {_(SUMMARIES[name])}"
             for name, (usage, _text, _examples) in TOPICS.items() if usage]
    items += [f"{name} — {text}" for name, text in (extra or {}).items()]
    return Card(
        title=_("What you can do"),
        lines=(
            Items(tuple(items), numbered=False),
            Text(_("Type help and a command to see how to use it, like help poll. Also: "
                   "help words, help anonymity, help ties, help rules.")),
        ),
    )


def _welsh_verbs() -> tuple[str, ...]:
    """Each English verb with its Welsh words: "vote — pleidlais, pleidleisio"."""
    by_verb: dict[str, list[str]] = {}
    for word, verb in WELSH_VERBS.items():
        by_verb.setdefault(verb, []).append(word)
    return tuple(f"{verb} — {', '.join(welsh)}" for verb, welsh in by_verb.items())
