"""Health and metrics over HTTP (``[ops] port``): /healthz, /readyz and /metrics, served
for real on 127.0.0.1 with a port the system picks."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import socket
from datetime import timedelta
from types import SimpleNamespace

import discord
import prometheus_client
import pytest
from aiohttp import ClientSession, web
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError

from adapters.base import StartFailed, counting_api_errors
from adapters.discord.adapter import DiscordAdapter
from adapters.slack.adapter import SlackAdapter
from bot.commands import CastVote, CreatePoll, MembersSeen
from bot.model import Actor, SpaceRef
from bot.timing.timekeeper import Timekeeper
from roundtable.bootstrap import App, build, serve
from roundtable.config import Config, ConfigError, OpsConfig, SchedulerConfig, load_config
from roundtable.ops import Metrics, OpsServer, instrument
from storage import SqlStore, make_engine
from tests.adapters.discord.fake_discord import FakeDiscord

# Distinctive values, so a label carrying any of them cannot hide.
WORKSPACE, CHANNEL = "TWORKSPACE77", "CSECRETCHAN42"
SPACE = SpaceRef("slack", WORKSPACE, CHANNEL)
ALICE = Actor("slack", WORKSPACE, "UALICE901", "alice-name", frozenset({"facilitator"}))
BOB = Actor("slack", WORKSPACE, "UBOB902", "bob-name")
QUESTION = "Budget for the zine fair?"
OPTIONS = ("Print more zines", "Go online instead")
PRIVATE = {WORKSPACE, CHANNEL, ALICE.user_id, BOB.user_id, ALICE.name, BOB.name, QUESTION,
           *OPTIONS, ALICE.key, BOB.key}
#: The only label names any metric has.
LABELS = {"kind", "outcome", "platform", "code", "le"}


@pytest.fixture(autouse=True)
def _restore_collector():
    """``serve`` tunes the process's garbage collector; undo that for the other tests."""
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


class FakeAdapter:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.ended = asyncio.Event()

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def deliver(self, effects) -> None:
        pass


def _app(core, store, clock, port: int = 0) -> App:
    metrics = Metrics()
    instrument(core, metrics)
    config = Config(ops=OpsConfig(port=port), scheduler=SchedulerConfig(tick_seconds=0.1))
    return App(config=config, store=store, core=core, clock=clock, metrics=metrics)


async def _get(server: OpsServer, path: str) -> tuple[int, str, str]:
    async with ClientSession() as session, session.get(
            f"http://127.0.0.1:{server.port}{path}") as response:
        return response.status, await response.text(), response.headers["Content-Type"]


async def _running(app: App, adapters) -> OpsServer:
    server = OpsServer(app, adapters)
    await server.start()
    assert server.port > 0
    return server


def _samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of the exposition, by name and labels; checks each label on the way."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            assert set(sample.labels) <= LABELS, sample
            for value in sample.labels.values():
                assert value not in PRIVATE, sample
                assert not any(secret in value for secret in PRIVATE), sample
            found[sample.name, frozenset(sample.labels.items())] = sample.value
    return found


def _value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# -- config ---------------------------------------------------------------------------


def test_ops_is_off_unless_a_port_is_set(tmp_path):
    assert Config().ops.port is None
    assert Config().ops.host == "127.0.0.1"
    path = tmp_path / "c.toml"
    path.write_text('[ops]\nport = 9102\nhost = "0.0.0.0"\n')
    assert load_config(path).ops == OpsConfig(port=9102, host="0.0.0.0")


@pytest.mark.parametrize(("body", "key"), [
    ("port = 70000", "ops.port"),
    ('port = "nine"', "ops.port"),
    ('host = ""', "ops.host"),
    ("bind = 1", "ops.bind"),
])
def test_a_wrong_ops_setting_is_named(tmp_path, body, key):
    path = tmp_path / "c.toml"
    path.write_text(f"[ops]\n{body}\n")
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_config(path)


# -- health and readiness ------------------------------------------------------------


async def test_healthz_and_readyz_while_running_then_not_ready_when_an_adapter_ends(
        core, store, clock):
    adapter = FakeAdapter("slack")
    server = await _running(_app(core, store, clock), [adapter])
    try:
        assert (await _get(server, "/healthz"))[:2] == (200, "ok\n")
        assert (await _get(server, "/readyz"))[:2] == (200, "ready\n")
        adapter.ended.set()
        status, body, kind = await _get(server, "/readyz")
        assert status == 503
        assert body == "not ready: slack not connected\n"
        assert kind.startswith("text/plain")
        assert (await _get(server, "/healthz"))[0] == 200  # alive, just not ready
    finally:
        await server.stop()


async def test_readyz_is_503_once_the_database_is_closed(core, clock, tmp_path):
    own = SqlStore(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'own.db'}"))
    await own.start()
    app = _app(core, own, clock)
    server = await _running(app, [FakeAdapter("discord")])
    try:
        assert (await _get(server, "/readyz"))[0] == 200
        await app.close()
        assert (await _get(server, "/readyz"))[:2] == (503, "not ready: database closed\n")
    finally:
        await server.stop()


async def test_readyz_is_503_when_the_database_does_not_answer(core, clock, tmp_path):
    # A file in a directory that does not exist: every connection fails.
    unreachable = SqlStore(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'x.db'}"))
    server = await _running(_app(core, unreachable, clock), [FakeAdapter("slack")])
    try:
        status, body, _ = await _get(server, "/readyz")
        assert (status, body) == (503, "not ready: database not answering\n")
        # Metrics still answer without the open-poll count.
        assert (await _get(server, "/metrics"))[0] == 200
    finally:
        await server.stop()


# -- metrics -------------------------------------------------------------------------


async def test_metrics_count_commands_votes_errors_and_open_polls_without_private_labels(
        core, store, clock):
    app = _app(core, store, clock)
    server = await _running(app, [FakeAdapter("slack")])
    try:
        await core.handle(MembersSeen(ALICE, SPACE, (ALICE, BOB)))
        await core.handle(CreatePoll(ALICE, SPACE, question=QUESTION, options=OPTIONS,
                                     closes="1h", no_remind=True))
        await core.handle(CastVote(ALICE, SPACE, poll=1, choices=("1",)))
        await core.handle(CastVote(BOB, SPACE, poll=1, choices=(OPTIONS[1],)))
        await core.handle(CastVote(BOB, SPACE, poll=9, choices=("1",)))  # no such poll
        status, text, kind = await _get(server, "/metrics")
    finally:
        await server.stop()
    assert status == 200
    assert kind.startswith("text/plain; version=")
    for private in PRIVATE:
        assert private not in text
    samples = _samples(text)
    assert _value(samples, "roundtable_commands_total", kind="MembersSeen") == 1
    assert _value(samples, "roundtable_commands_total", kind="CreatePoll") == 1
    assert _value(samples, "roundtable_commands_total", kind="CastVote") == 3
    assert _value(samples, "roundtable_command_seconds_count", kind="CastVote") == 3
    assert _value(samples, "roundtable_votes_total") == 2
    assert _value(samples, "roundtable_errors_total", kind="NotFound") == 1
    assert _value(samples, "roundtable_open_polls") == 1
    for name in ("roundtable_job_lag_seconds", "roundtable_deliveries_total",
                 "roundtable_delivery_retries_total", "roundtable_delivery_failures_total",
                 "roundtable_platform_api_errors_total"):
        assert f"# TYPE {name.removesuffix('_total')}" in text


async def test_an_unexpected_fault_is_counted_as_unexpected(core, store, clock):
    app = _app(core, store, clock)

    async def broken(command):
        raise RuntimeError(QUESTION)

    core._handlers[CastVote] = broken  # the core's own catch turns it into an apology
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(CastVote(ALICE, SPACE, poll=1, choices=("1",)))
    samples = _samples(app.metrics.exposition())
    assert _value(samples, "roundtable_errors_total", kind="unexpected") == 1
    assert _value(samples, "roundtable_votes_total") == 0


async def test_timed_jobs_report_their_lag_and_delivery(core, store, clock):
    app = _app(core, store, clock)
    await core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
    await core.handle(CreatePoll(ALICE, SPACE, question=QUESTION, options=OPTIONS,
                                 closes="1h", no_remind=True))
    clock.advance(timedelta(hours=2))

    async def refuse(effects):
        raise OSError("platform down")

    await Timekeeper(core, refuse, observe=app.metrics.observe_job).run_due(clock.now())
    samples = _samples(app.metrics.exposition())
    assert _value(samples, "roundtable_delivery_retries_total", kind="close") == 1
    assert _value(samples, "roundtable_deliveries_total", kind="close") == 0

    clock.advance(timedelta(minutes=5))  # past the first back-off

    async def accept(effects):
        pass

    await Timekeeper(core, accept, observe=app.metrics.observe_job).run_due(clock.now())
    samples = _samples(app.metrics.exposition())
    assert _value(samples, "roundtable_deliveries_total", kind="close") == 1
    assert _value(samples, "roundtable_job_lag_seconds_count", kind="close") == 2
    # Due at 10:00 and run at 11:00; then due again 30 seconds later (the back-off) and
    # run at 11:05.
    assert _value(samples, "roundtable_job_lag_seconds_sum", kind="close") == 3600 + 270
    assert _value(samples, "roundtable_job_lag_seconds_bucket", kind="close", le="+Inf") == 2


def test_platform_api_errors_are_counted_by_code_only():
    metrics = Metrics()
    metrics.api_error("slack", "channel_not_found")
    metrics.api_error("discord", "403")
    metrics.api_error("slack", f"{QUESTION} {CHANNEL}")  # never a free-form label
    samples = _samples(metrics.exposition())
    total = "roundtable_platform_api_errors_total"
    assert _value(samples, total, platform="slack", code="channel_not_found") == 1
    assert _value(samples, total, platform="discord", code="403") == 1
    assert _value(samples, total, platform="slack", code="other") == 1


async def test_the_wrapper_records_slack_and_discord_errors_and_reraises():
    seen: list[tuple[str, str]] = []
    slack_error = SlackApiError("no", SimpleNamespace(data={"ok": False,
                                                            "error": "not_in_channel"}))

    async def slack_call(*args, **kwargs):
        raise slack_error

    wrapped = counting_api_errors(slack_call, "slack", lambda e: "not_in_channel",
                                  lambda p, c: seen.append((p, c)))
    with pytest.raises(SlackApiError):
        await wrapped("chat.postMessage")

    forbidden = discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"), "no")

    async def discord_call(*args, **kwargs):
        raise forbidden

    wrapped = counting_api_errors(discord_call, "discord", lambda e: str(e.status),
                                  lambda p, c: seen.append((p, c)))
    with pytest.raises(discord.Forbidden):
        await wrapped()
    assert seen == [("slack", "not_in_channel"), ("discord", "403")]


async def test_a_slack_api_error_reaches_the_hook(core):
    """Every Web API call of the Slack adapter goes through the hook."""
    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error": "channel_not_found"})

    api = web.Application()
    api.router.add_post("/api/{method}", refuse)
    runner = web.AppRunner(api)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    seen: list[tuple[str, str]] = []
    try:
        adapter = SlackAdapter(core, bot_token="xoxb-test", mode="socket", app_token="xapp-t",
                               api_url=f"http://127.0.0.1:{port}/api/",
                               record_api_error=lambda p, c: seen.append((p, c)))
        with pytest.raises(SlackApiError):
            await adapter.client.chat_postMessage(channel=CHANNEL, text=QUESTION)
    finally:
        await runner.cleanup()
    assert seen == [("slack", "channel_not_found")]


async def test_a_discord_http_error_is_counted_by_status(core, store, clock, monkeypatch):
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.url + "/api/v10")
    app = _app(core, store, clock)
    try:
        adapter = DiscordAdapter(app, "SENTINEL-TOKEN", connect=False)
        fake.fail_once("GET", "/users/@me", 403, 50001)
        with pytest.raises(StartFailed):
            await adapter.start()
    finally:
        await fake.stop()
    samples = _samples(app.metrics.exposition())
    assert _value(samples, "roundtable_platform_api_errors_total", platform="discord",
                  code="403") == 1


def test_nothing_is_registered_globally():
    Metrics()
    names = {name for collector in list(prometheus_client.REGISTRY._collector_to_names)
             for name in prometheus_client.REGISTRY._collector_to_names[collector]}
    assert not any(name.startswith("roundtable") for name in names)
    # Two apps in one process keep separate counts.
    one, two = Metrics(), Metrics()
    one.api_error("slack", "ratelimited")
    assert "ratelimited" not in two.exposition()


# -- serve ---------------------------------------------------------------------------


async def test_build_counts_only_when_ops_is_on(clock, tmp_path):
    env = {"ROUNDTABLE_SECRET": bytes(range(32)).hex()}
    for port, counting in ((None, False), (0, True)):
        config = Config(ops=OpsConfig(port=port))
        app = await build(config, env, clock, f"sqlite+aiosqlite:///{tmp_path / f'{port}.db'}")
        try:
            assert (app.metrics is not None) is counting
            await app.core.handle(MembersSeen(ALICE, SPACE, (ALICE,)))
            if counting:
                samples = _samples(app.metrics.exposition())
                assert _value(samples, "roundtable_commands_total", kind="MembersSeen") == 1
        finally:
            await app.close()


async def test_serve_runs_the_ops_server_and_stops_it(core, store, clock, caplog):
    app = _app(core, store, clock)
    stop, running = asyncio.Event(), asyncio.Event()
    caplog.set_level(logging.INFO, logger="roundtable")
    task = asyncio.create_task(serve(app, [FakeAdapter("slack")], stop, running.set))
    await asyncio.wait_for(running.wait(), timeout=10)
    line = next(r.getMessage() for r in caplog.records if "health and metrics" in r.getMessage())
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    async with ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/readyz") as response:
        assert response.status == 200
    stop.set()
    assert await asyncio.wait_for(task, timeout=10) is True
    with socket.socket() as probe:  # the port is free again
        probe.bind(("127.0.0.1", port))


async def test_serve_fails_clearly_when_the_ops_port_is_in_use(core, store, clock):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = _app(core, store, clock, port=port)
        with pytest.raises(StartFailed, match=rf"port {port} is in use.*\[ops\] port"):
            await asyncio.wait_for(serve(app, [FakeAdapter("slack")], asyncio.Event()), 10)
