"""A fake Slack: a local Web API that records every call, and signed requests to the app.

The Web API answers ``POST /api/{method}`` the way Slack does, from a small
workspace (people, channels, user groups) a test can change. Every call is
recorded with its arguments; a test can wait for a method to be called (an
``asyncio.Event``, never a sleep), make a method answer 429 once, or make it fail
with one of Slack's error codes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, web

TEAM = "T1"
BOT_USER = "UBOT"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str


@dataclass
class FakeSlack:
    """The fake Web API's state and what it saw."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    limited: dict[str, int] = field(default_factory=dict)
    #: Methods that answer only once their event is set (a slow Slack).
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    url: str = ""
    #: Socket Mode: envelopes waiting to be sent, and the app's answers by envelope id.
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sockets: int = 0
    _answered: asyncio.Condition = field(default_factory=asyncio.Condition)
    _seen: dict[str, asyncio.Event] = field(default_factory=dict)
    _ts: int = 0

    def add_user(self, user: str, name: str, *, admin: bool = False, bot: bool = False,
                 locale: str = "") -> None:
        """A person (or bot) in the workspace; ``locale`` is the language Slack is set to for
        them ("cy-GB"), told only when a lookup asks for it (``include_locale``)."""
        self.users[user] = {"id": user, "name": name.lower(), "is_admin": admin,
                            "is_owner": False, "is_bot": bot, "deleted": False,
                            "profile": {"display_name": name, "real_name": name}}
        if locale:
            self.users[user]["locale"] = locale

    def _person(self, user: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        """A user as Slack answers: the locale only for ``include_locale``."""
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            return user
        return {key: value for key, value in user.items() if key != "locale"}

    def add_channel(self, channel: str, creator: str, members: list[str]) -> None:
        """A channel, who created it and who is in it."""
        self.channels[channel] = {"id": channel, "creator": creator, "members": list(members)}

    def rate_limit_once(self, method: str, retry_after: int) -> None:
        """The next call of ``method`` is answered 429 with this Retry-After."""
        self.limited[method] = retry_after

    def of(self, method: str) -> list[Call]:
        """The calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, timeout: float = 5.0) -> None:
        """Wait until ``method`` has been called at least once."""
        event = self._seen.setdefault(method, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)

    async def push(self, envelope: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app; return its answer."""
        await self.outbox.put(envelope)
        async with self._answered:
            await asyncio.wait_for(self._answered.wait_for(
                lambda: envelope["envelope_id"] in self.answers), timeout)
        return self.answers[envelope["envelope_id"]]

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        """The Socket Mode websocket: hello, then envelopes out and answers in."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets += 1
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))

        async def pump() -> None:
            while True:
                await ws.send_str(json.dumps(await self.outbox.get()))

        sender = asyncio.create_task(pump())
        try:
            async for message in ws:
                data = json.loads(message.data)
                async with self._answered:
                    self.answers[data["envelope_id"]] = data
                    self._answered.notify_all()
        finally:
            sender.cancel()
        return ws

    # -- the Web API --------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        args.update(request.query)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, args, token))
        self._seen.setdefault(method, asyncio.Event()).set()
        if method in self.held:
            await self.held[method].wait()
        if method in self.limited:
            retry_after = self.limited.pop(method)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(retry_after)})
        if method in self.errors:
            return web.json_response({"ok": False, "error": self.errors[method]})
        return web.json_response({"ok": True, **self.answer(method, args)})

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "team": "Test",
                    "url": "https://test.slack.com/"}
        if method in ("chat.postMessage", "chat.update"):
            self._ts += 1
            ts = args.get("ts") or f"1700000000.{self._ts:06d}"
            return {"channel": args.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            return {"message_ts": "1700000000.999999"}
        if method == "users.list":
            return {"members": [self._person(u, args) for u in self.users.values()],
                    "response_metadata": {"next_cursor": ""}}
        if method == "users.info":
            return {"user": self._person(self.users.get(args.get("user"),
                                                        {"id": args.get("user")}), args)}
        if method == "conversations.info":
            return {"channel": self.channels.get(args.get("channel"), {})}
        if method == "conversations.members":
            channel = self.channels.get(args.get("channel"), {})
            return {"members": channel.get("members", []),
                    "response_metadata": {"next_cursor": ""}}
        if method == "usergroups.list":
            return {"usergroups": [{"id": gid, "users": users}
                                   for gid, users in self.usergroups.items()]}
        if method == "apps.connections.open":
            return {"url": self.url.replace("http://", "ws://") + "/link"}
        if method in ("views.open", "views.publish"):
            return {"view": {"id": "V1"}}
        return {}


async def start_fake(fake: FakeSlack) -> web.AppRunner:
    """Serve the fake on a free local port; its address goes in ``fake.url``."""
    app = web.Application()
    app.router.add_route("*", "/api/{method}", fake.handle)
    app.router.add_get("/link", fake.socket)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}"
    return runner


# -- requests from "Slack" to the app ---------------------------------------------------


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: a timestamp and its HMAC signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest.hexdigest()}


@dataclass
class Answer:
    """The app's HTTP answer."""

    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackRequests:
    """Sends signed requests to the app's real HTTP endpoint, as Slack would."""

    def __init__(self, url: str, secret: str) -> None:
        self.url, self.secret = url, secret

    async def raw(self, body: str, content_type: str, headers: dict[str, str]) -> Answer:
        async with ClientSession() as session, session.post(
                self.url, data=body.encode(),
                headers={"Content-Type": content_type, **headers}) as response:
            return Answer(response.status, await response.text())

    async def send_form(self, fields: dict[str, str], timestamp: int | None = None,
                        secret: str | None = None) -> Answer:
        body = urlencode(fields)
        return await self.raw(body, "application/x-www-form-urlencoded",
                              sign(secret or self.secret, body, timestamp))

    async def command(self, text: str, user: str = "U1", channel: str = "C1",
                      channel_name: str = "general") -> Answer:
        """``/roundtable <text>`` typed by ``user`` in ``channel`` ("directmessage": a DM)."""
        return await self.send_form({
            "token": "legacy", "team_id": TEAM, "team_domain": "test", "channel_id": channel,
            "channel_name": channel_name, "user_id": user, "user_name": user.lower(),
            "command": "/roundtable", "text": text, "api_app_id": "A1",
            "response_url": "https://hooks.invalid/commands/1", "trigger_id": "trigger-1"})

    async def interaction(self, payload: dict[str, Any]) -> Answer:
        return await self.send_form({"payload": json.dumps(payload)})

    async def click(self, action_id: str, user: str = "U1", channel: str | None = "C1",
                    value: str = "", state: dict[str, Any] | None = None) -> Answer:
        """A button click in a message (``channel``) or in the Home tab (no channel)."""
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A1", "token": "legacy", "trigger_id": "trigger-2",
            "state": state or {"values": {}},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b",
                         "value": value, "action_ts": "1"}],
        }
        if channel:
            payload["channel"] = {"id": channel}
            payload["container"] = {"type": "message", "channel_id": channel,
                                    "message_ts": "1700000000.000001"}
        else:
            payload["container"] = {"type": "view", "view_id": "V1"}
        return await self.interaction(payload)

    async def submit(self, callback_id: str, metadata: dict[str, Any],
                     values: dict[str, Any], user: str = "U1") -> Answer:
        """A form (modal) submitted by ``user``."""
        return await self.interaction({
            "type": "view_submission", "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM}, "api_app_id": "A1", "token": "legacy",
            "trigger_id": "trigger-3",
            "view": {"id": "V1", "type": "modal", "callback_id": callback_id,
                     "private_metadata": json.dumps(metadata), "state": {"values": values}},
        })

    async def event(self, event: dict[str, Any], event_id: str, retry: int = 0) -> Answer:
        """An Events API delivery (``retry`` > 0 marks Slack's retries)."""
        body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A1",
                           "type": "event_callback", "event_id": event_id,
                           "event_time": 1700000000, "event": event})
        headers = sign(self.secret, body)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.raw(body, "application/json", headers)
