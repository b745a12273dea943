"""Gateway payloads for interactions and messages, as Discord sends them."""

from __future__ import annotations

import itertools
from typing import Any

from tests.adapters.discord.fake_discord import APP_ID, CHANNEL, GUILD, STAMP

_ids = itertools.count(950000000000000001)
#: Manage Server (1 << 5): the default facilitator permission.
MANAGE_GUILD = 1 << 5
#: What an ordinary member may do in the channel: view, send, embed.
MEMBER = (1 << 10) | (1 << 11) | (1 << 14)

ALICE, BOB, CAROL = 600000000000000001, 600000000000000002, 600000000000000003
NAMES = {ALICE: "alice", BOB: "bob", CAROL: "carol"}


def user(user_id: int) -> dict[str, Any]:
    """A user object."""
    name = NAMES.get(user_id, f"user{user_id % 1000}")
    return {"id": str(user_id), "username": name, "discriminator": "0", "avatar": None,
            "global_name": name}


def member(user_id: int, roles: tuple[int, ...] = (), permissions: int = MEMBER) -> dict:
    """A guild member as it comes with an interaction."""
    return {"user": user(user_id), "roles": [str(r) for r in roles], "joined_at": STAMP,
            "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions)}


def interaction(kind: int, data: dict, user_id: int = ALICE, *, message: dict | None = None,
                permissions: int = MEMBER, roles: tuple[int, ...] = ()) -> dict[str, Any]:
    """An INTERACTION_CREATE payload in the test guild's channel."""
    number = next(_ids)
    payload: dict[str, Any] = {
        "id": str(number), "application_id": str(APP_ID), "type": kind, "data": data,
        "guild_id": str(GUILD), "channel_id": str(CHANNEL),
        "channel": {"id": str(CHANNEL), "type": 0, "guild_id": str(GUILD), "name": "general",
                    "position": 0, "permission_overwrites": [], "nsfw": False,
                    "parent_id": None},
        "member": member(user_id, roles, permissions), "token": f"itoken{number}",
        "version": 1, "app_permissions": str(MEMBER), "locale": "en-GB",
        "guild_locale": "en-GB", "attachment_size_limit": 8388608, "context": 0,
        "authorizing_integration_owners": {"0": str(GUILD)}, "entitlements": [],
    }
    if message is not None:
        payload["message"] = message
    return payload


def option(name: str, value: Any) -> dict[str, Any]:
    """A slash command option: its Discord type follows the Python value."""
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def slash(sub: str, user_id: int = ALICE, *, permissions: int = MEMBER, **options: Any) -> dict:
    """``/roundtable <sub> option:value …``."""
    data = {"id": "1", "name": "roundtable", "type": 1,
            "options": [{"name": sub, "type": 1,
                         "options": [option(k, v) for k, v in options.items()]}]}
    return interaction(2, data, user_id, permissions=permissions)


def click(custom_id: str, message: dict, user_id: int = ALICE,
          values: list[str] | None = None) -> dict:
    """A button click, or with ``values`` a select, on ``message``."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
    if values is not None:
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
    return interaction(3, data, user_id, message=message)


def modal_submit(custom_id: str, values: dict[str, str], user_id: int = ALICE) -> dict:
    """A modal submitted with these text inputs."""
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()]
    return interaction(5, {"custom_id": custom_id, "components": rows}, user_id)


def custom_ids(message: dict) -> list[str]:
    """Every component custom_id in a message payload."""
    return [c["custom_id"] for row in message.get("components", [])
            for c in row.get("components", []) if "custom_id" in c]
