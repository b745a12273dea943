"""Starting polls through /roundtable and the form, and how the poll message looks."""

from __future__ import annotations

import json

from adapters.slack.translate import space
from tests.adapters.slack.fake_slack import TEAM, FakeSlack


def texts(blocks: list[dict]) -> str:
    """Every text in some blocks, joined, to read what a person would see."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def blocks_of(call) -> list[dict]:
    blocks = call.args.get("blocks")
    return json.loads(blocks) if isinstance(blocks, str) else blocks


async def test_slash_command_posts_the_poll_and_confirms_privately(slack, send, fake: FakeSlack,
                                                                   store):
    answer = await send.command('poll "Where should we meet?" "Library" "Park" '
                                "--closes friday 17:00")
    assert answer.status == 200
    [post] = fake.of("chat.postMessage")
    assert post.args["channel"] == "C1"
    shown = texts(blocks_of(post))
    assert "Poll #1: Where should we meet?" in shown
    assert "Rule:" in shown and "Anonymous" in shown
    assert "0 of 3 have voted" in shown  # alice, bob, carol; not the bot
    assert "<!date^" in shown and "{date_short_pretty} at {time}" in shown
    buttons = [e for b in blocks_of(post) if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["1. Library", "2. Park"]
    # A screen reader can tell these buttons from another poll's (issue 14).
    assert [b["accessibility_label"] for b in buttons] == ["Vote Library on poll 1",
                                                           "Vote Park on poll 1"]
    [confirm] = fake.of("chat.postEphemeral")
    assert confirm.args["user"] == "U1"
    assert "Your poll #1 is up" in texts(blocks_of(confirm))
    assert await store.find_post("poll:1", "slack") == "C1:1700000000.000001"


async def test_mentions_in_question_and_options_never_ping(slack, send, fake: FakeSlack):
    await send.command('poll "<!channel> & <@U2>, which?" "<!here> now" "<!everyone>" '
                       '"<!subteam^S1> later"')
    [post] = fake.of("chat.postMessage")
    blocks = blocks_of(post)
    mrkdwn = [node["text"] for node in _all(blocks) if node.get("type") == "mrkdwn"]
    for text in [*mrkdwn, post.args["text"]]:
        # Escaped wherever Slack reads markup; only date tokens may open a "<!".
        assert "<!channel>" not in text and "<!here>" not in text and "<@U2>" not in text
        assert "<!everyone>" not in text and "<!subteam" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U2&gt;" in post.args["text"]
    plain = [node["text"] for node in _all(blocks) if node.get("type") == "plain_text"]
    # plain_text is never read as markup, so the words are shown exactly as written.
    assert "Poll #1: <!channel> & <@U2>, which?" in plain
    assert "1. <!here> now" in plain


def _all(node: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _all(value)
    elif isinstance(node, list):
        for value in node:
            found += _all(value)
    return found


async def test_command_text_arrives_escaped_and_is_shown_as_typed(slack, send,
                                                                    fake: FakeSlack):
    # Slack sends "&", "<" and ">" in a command's text as entities.
    await send.command('poll "Fish &amp; chips &lt;or&gt; pie?" "Yes" "No"')
    [post] = fake.of("chat.postMessage")
    assert "Poll #1: Fish & chips <or> pie?" in texts(blocks_of(post))
    assert post.args["text"].startswith("Poll #1: Fish &amp; chips &lt;or&gt; pie?")


async def test_bare_command_opens_the_form(slack, send, fake: FakeSlack):
    await send.command("")
    [opened] = fake.of("views.open")
    view = json.loads(opened.args["view"]) if isinstance(opened.args["view"], str) \
        else opened.args["view"]
    assert view["callback_id"] == "rt_create"
    assert [b["block_id"] for b in view["blocks"]] == [
        "question", "options", "kind", "anonymity", "closes", "remind", "quorum", "rule"]
    await send.command("propose")
    second = fake.of("views.open")[1].args["view"]
    second = json.loads(second) if isinstance(second, str) else second
    kind = next(b for b in second["blocks"] if b["block_id"] == "kind")
    assert kind["element"]["initial_option"]["value"] == "consent"


def form(question: str, options: str = "", kind: str = "choice", closes: str = "",
         rule: str = "majority", anonymity: str = "anonymous", remind: str = "",
         quorum: str = "") -> dict:
    """What Slack sends for the new-poll form."""
    def select(value: str) -> dict:
        return {"value": {"type": "static_select", "selected_option": {"value": value}}}
    return {
        "question": {"value": {"type": "plain_text_input", "value": question}},
        "options": {"value": {"type": "plain_text_input", "value": options or None}},
        "kind": select(kind),
        "anonymity": {"value": {"type": "radio_buttons",
                                "selected_option": {"value": anonymity}}},
        "closes": {"value": {"type": "plain_text_input", "value": closes or None}},
        "remind": {"value": {"type": "plain_text_input", "value": remind or None}},
        "quorum": {"value": {"type": "plain_text_input", "value": quorum or None}},
        "rule": select(rule),
    }


async def test_form_errors_are_shown_field_by_field_and_nothing_is_posted(slack, send,
                                                                          fake: FakeSlack):
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup", closes="yesterday-ish"))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"options", "closes"}
    assert "at least 2 options" in body["errors"]["options"]
    assert "closing time" in body["errors"]["closes"]
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup\nPie", rule="parity"))
    assert set(answer.json()["errors"]) == {"rule"}
    assert "no groups yet" in answer.json()["errors"]["rule"]
    assert fake.of("chat.postMessage") == []


async def test_form_opens_the_poll(slack, send, fake: FakeSlack):
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup\n\nPie\n", kind="multi", closes="2d",
                                    anonymity="open"))
    assert answer.status == 200 and not answer.body
    [post] = fake.of("chat.postMessage")
    shown = texts(blocks_of(post))
    assert "Poll #1: Lunch?" in shown and "Open poll" in shown
    elements = [e for b in blocks_of(post) if b["type"] == "actions" for e in b["elements"]]
    assert elements[0]["type"] == "checkboxes"
    assert [o["text"]["text"] for o in elements[0]["options"]] == ["1. Soup", "2. Pie"]
    assert elements[1]["text"]["text"] == "Send my picks"


async def test_form_sets_reminders_and_a_quorum(slack, send, fake: FakeSlack, store):
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup\nPie", closes="2d", remind="none",
                                    quorum="abc"))
    # A quorum it cannot read is shown under the quorum field; nothing is started.
    assert set(answer.json()["errors"]) == {"quorum"}
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup\nPie", closes="2d", remind="soon",
                                    quorum="50%"))
    assert set(answer.json()["errors"]) == {"remind"}
    assert "'soon'" in answer.json()["errors"]["remind"]
    assert fake.of("chat.postMessage") == []
    answer = await send.submit("rt_create", {"channel": "C1"},
                               form("Lunch?", "Soup\nPie", closes="2d", remind="12h, 1h",
                                    quorum="2"))
    assert answer.status == 200 and not answer.body
    poll = await store.find_poll(space(TEAM, "C1"), 1)
    assert poll.spec.reminders == (12 * 3600, 3600)
    assert poll.spec.quorum.count == 2
    await send.submit("rt_create", {"channel": "C1"},
                      form("Tea?", "Yes\nNo", closes="2d", remind="none"))
    assert (await store.find_poll(space(TEAM, "C1"), 2)).spec.reminders == ()


async def test_mistakes_get_a_private_polite_answer(slack, send, fake: FakeSlack):
    await send.command("vote #9 1")
    [reply] = fake.of("chat.postEphemeral")
    assert "There is no poll #9 here" in texts(blocks_of(reply))
    await send.command('poll "Unclosed')
    assert "quote mark was opened" in texts(blocks_of(fake.of("chat.postEphemeral")[1]))
    assert fake.of("chat.postMessage") == []


async def test_poll_with_a_question_but_no_options_opens_the_form_with_it(slack, send,
                                                                          fake: FakeSlack):
    await send.command('poll "Where should we meet?" --kind ranked')
    [opened] = fake.of("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    question = next(b for b in view["blocks"] if b["block_id"] == "question")
    assert question["element"]["initial_value"] == "Where should we meet?"
    kind = next(b for b in view["blocks"] if b["block_id"] == "kind")
    assert kind["element"]["initial_option"]["value"] == "ranked"
    assert fake.of("chat.postMessage") == []
    # Other flags would be lost in the form, and a round of ideas has no options: the
    # core answers those as typed.
    await send.command('poll "Where?" --closes 2d')
    await send.command('poll "Where should we meet?" --kind ideas')
    assert len(fake.of("views.open")) == 1
    first, second = (texts(blocks_of(c)) for c in fake.of("chat.postEphemeral"))
    assert "at least 2 options" in first and "To collect ideas first" in second


async def test_each_vote_button_says_which_poll_it_is_for(slack, send, fake: FakeSlack):
    await send.command('poll "Where should PeerFest be?" "Library" "Park" --kind ranked')
    [post] = fake.of("chat.postMessage")
    [vote] = [e for b in blocks_of(post) if b["type"] == "actions" for e in b["elements"]]
    assert vote["text"]["text"] == "Vote"
    assert vote["accessibility_label"] == "Vote on poll 1: Where should PeerFest be?"
