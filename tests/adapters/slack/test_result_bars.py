"""Result bars on Slack (issue 14): drawn in the message, each with its figure in words,
and never in the notification text (the message's ``text``, which phones show alone)."""

from __future__ import annotations

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_polls import blocks_of, texts

BAR_CHARACTERS = ("█", "░")


async def test_a_ranked_outcome_shows_places_and_keeps_bars_out_of_the_notification(
        slack, send, fake: FakeSlack):
    await send.command('poll "Where?" "Library" "Park" "Pier" --kind ranked')
    for user in ("U1", "U2", "U3"):
        await send.command("vote #1 2 1 3", user=user)
    await send.command("close #1")
    outcome = next(call for call in fake.of("chat.postMessage")
                   if "Outcome of #1" in call.args["text"])
    shown = texts(blocks_of(outcome))
    assert "Park: ██████████ 1st place" in shown
    assert "Library: " in shown and " 2nd place" in shown
    notification = outcome.args["text"]
    assert "Park: 1st place" in notification and "Pier: 3rd place" in notification
    assert not any(mark in notification for mark in BAR_CHARACTERS)
