"""A fake Discord REST API on a free local port, recording every call the bot makes.

discord.py is pointed at it with ``discord.http.Route.BASE`` (interaction callbacks
and follow-ups use the same routes). Gateway events are not sent over a socket:
tests hand payloads to the client's connection state, as the gateway would.
Gotchas from PLATFORM_NOTES.md: Content-Type must be exactly application/json; the
interaction callback answers ``{"interaction": ..., "resource": ...}``; a 429 needs
a ``Via`` header or discord.py takes it for a Cloudflare ban.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = 700000000000000001
BOT_ID = 700000000000000002
GUILD = 800000000000000001
CHANNEL = 800000000000000002
BOT_USER = {"id": str(BOT_ID), "username": "roundtable", "discriminator": "0", "avatar": None,
            "global_name": "Roundtable", "bot": True}
STAMP = "2026-11-25T09:00:00+00:00"


@dataclass
class Call:
    """One request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 200
    response: Any = None


@dataclass
class FakeDiscord:
    """The fake API. ``calls`` lists every request; ``wait_for`` awaits one arriving."""

    calls: list[Call] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)
    #: user id -> the Discord error code a DM to them gets (403), besides closed_dms' 50007.
    dm_refusals: dict[int, int] = field(default_factory=dict)
    #: (method, path) -> (status, code): the next such call fails with this error.
    failures: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    rate_limits: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(900000000000000001)
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Serve on 127.0.0.1, on a port the system picks."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # No access log: the fake is test scaffolding, and its URLs hold interaction tokens.
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    def next_id(self) -> int:
        """A fresh snowflake."""
        return next(self._ids)

    def rate_limit_once(self, method: str, path: str) -> None:
        """Answer the next ``method path`` with a 429, then normally."""
        self.rate_limits.append((method, path))

    def fail_once(self, method: str, path: str, status: int, code: int) -> None:
        """Answer the next ``method path`` with this error, then normally."""
        self.failures[(method, path)] = (status, code)

    def matching(self, method: str, pattern: str) -> list[Call]:
        """Calls with this method whose path matches the regex (API prefix left off)."""
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    async def wait_for(self, method: str, pattern: str, count: int = 1,
                       check: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until ``count`` matching calls have arrived (a 5 s safety net, no polling)."""
        async def arrived() -> list[Call]:
            while True:
                found = [c for c in self.matching(method, pattern) if check is None or check(c)]
                if len(found) >= count:
                    return found
                self._arrived.clear()
                await self._arrived.wait()
        return await asyncio.wait_for(arrived(), timeout=5)

    # -- answering ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v10")
        raw = await request.read()
        body: Any = None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        elif raw and request.content_type.startswith("multipart/"):
            body = await _payload_json(request, raw)
        call = Call(request.method, path, dict(request.query), body)
        self.calls.append(call)
        try:
            if (request.method, path) in self.rate_limits:
                self.rate_limits.remove((request.method, path))
                call.status = 429
                return _json({"message": "You are being rate limited.", "retry_after": 0.0,
                              "global": False}, 429, {"Via": "1.1 google", "Retry-After": "0",
                                                      "X-RateLimit-Scope": "user"})
            if (request.method, path) in self.failures:
                status, code = self.failures.pop((request.method, path))
                call.status = status
                return _json({"code": code, "message": "refused by the fake"}, status)
            status, data = self._answer(request.method, path, body)
            call.status, call.response = status, data
            return _json(data, status)
        finally:
            self._arrived.set()

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/users/@me" and method == "GET":
            return 200, BOT_USER
        if path == "/oauth2/applications/@me":
            return 200, {"id": str(APP_ID), "name": "Roundtable", "icon": None,
                         "description": "", "bot_public": True, "bot_require_code_grant": False,
                         "verify_key": "00", "flags": 0, "owner": BOT_USER, "team": None,
                         "summary": "", "rpc_origins": []}
        if re.fullmatch(r"/applications/\d+/commands", path):
            return 200, []
        if match := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path):
            return 200, self._callback(int(match[1]), body)
        if re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/[^/]+)?", path):
            return 200, self.message(BOT_ID, body or {})
        if path == "/users/@me/channels" and method == "POST":
            user = int(body["recipient_id"])
            return 200, {"id": str(user + 1), "type": 1, "last_message_id": None,
                         "recipients": [{**BOT_USER, "id": str(user), "bot": False}]}
        if match := re.fullmatch(r"/channels/(\d+)/messages(/\d+)?", path):
            channel = int(match[1])
            if channel - 1 in self.closed_dms and method == "POST":
                return 403, {"code": 50007, "message": "Cannot send messages to this user"}
            if channel - 1 in self.dm_refusals and method == "POST":
                return 403, {"code": self.dm_refusals[channel - 1], "message": "Refused"}
            message_id = int(match[2][1:]) if match[2] else None
            return 200, self.message(channel, body or {}, message_id)
        return 200, {}

    def _callback(self, interaction_id: int, body: dict) -> dict:
        kind = body["type"]
        data = body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        answer: dict[str, Any] = {"interaction": {"id": str(interaction_id), "type": 2,
                                                  "response_message_loading": kind == 5,
                                                  "response_message_ephemeral": ephemeral}}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5, 7):
            message = self.message(CHANNEL, data)
            answer["interaction"]["response_message_id"] = message["id"]
            resource["message"] = message
        answer["resource"] = resource
        return answer

    def message(self, channel: int, body: dict, message_id: int | None = None) -> dict:
        """A message object as Discord returns it."""
        return {"id": str(message_id or self.next_id()), "channel_id": str(channel), "type": 0,
                "content": body.get("content") or "", "embeds": body.get("embeds") or [],
                "components": body.get("components") or [], "author": BOT_USER,
                "attachments": [], "mentions": [], "mention_roles": [], "pinned": False,
                "mention_everyone": False, "tts": False, "timestamp": STAMP,
                "edited_timestamp": None, "flags": body.get("flags") or 0}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly application/json: with a charset discord.py would read the body as text.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


async def _payload_json(request: web.Request, raw: bytes) -> Any:
    match = re.search(rb'name="payload_json".*?\r\n\r\n(.*?)\r\n--', raw, re.S)
    return json.loads(match.group(1)) if match else None
