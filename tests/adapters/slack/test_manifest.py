"""The app manifest asks for exactly what the adapter uses."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.listeners import COMMAND

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yml"

#: Each scope, and the calls or events that need it.
NEEDED = {
    "commands": "/roundtable",
    "chat:write": "chat.postMessage, chat.postEphemeral, chat.update, DMs by user id",
    "chat:write.public": "posting polls in public channels the bot has not joined",
    "channels:read": "conversations.info and conversations.members, public channels",
    "groups:read": "the same for private channels the bot was invited to",
    "channels:history": "message.channels events (counted, never read)",
    "groups:history": "message.groups events",
    "users:read": "users.list and users.info: names, admins and owners, bots",
    "usergroups:read": "usergroups.list: Slack user groups mapped onto groups",
    "im:write": "conversations.open: the direct message a private file goes to",
    "files:write": "files_upload_v2: export contributions, sent to the facilitator privately",
}
EVENTS = {"app_home_opened", "message.channels", "message.groups", "member_joined_channel",
          "member_left_channel"}


def _list_after(lines: list[str], key: str) -> set[str]:
    start = next(i for i, line in enumerate(lines) if line.strip() == key)
    items = set()
    for line in lines[start + 1:]:
        if not line.strip().startswith("- "):
            break
        items.add(line.strip()[2:])
    return items


def test_manifest_has_exactly_the_scopes_events_and_command_used():
    lines = MANIFEST.read_text().splitlines()
    assert _list_after(lines, "bot:") == set(NEEDED)
    assert _list_after(lines, "bot_events:") == EVENTS
    text = MANIFEST.read_text()
    assert f"- command: {COMMAND}\n" in text
    for setting in ("home_tab_enabled: true", "socket_mode_enabled: true", "is_enabled: true",
                    "should_escape: true"):
        assert setting in text


def test_people_can_type_in_the_apps_messages_tab_as_the_docs_say():
    # docs/slack.md: in a direct message with the app, help, my-data... work; a read-only
    # Messages tab would not let anyone type them.
    text = MANIFEST.read_text()
    assert "messages_tab_enabled: true" in text
    assert "messages_tab_read_only_enabled: false" in text
    docs = (MANIFEST.parent / "docs" / "slack.md").read_text()
    assert "In a direct message" in docs and "my-data" in docs
    assert "read-only" not in docs.lower() or "not read-only" in docs.lower()
