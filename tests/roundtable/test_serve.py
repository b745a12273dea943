"""Running on platforms: adapters are created from the environment, started, fed due work
through the router, and stopped."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.cards import Card
from bot.commands import CreatePoll, MembersSeen
from bot.effects import DirectMessage, Post
from bot.model import Actor, SpaceRef
from bot.timing.timekeeper import Timekeeper
from roundtable import collector
from roundtable.bootstrap import App, NoAdapter, Router, create_adapters, serve
from roundtable.config import Config, ConfigError, SchedulerConfig
from tests.conftest import as_posted

SLACK = SpaceRef("slack", "T1", "C1")
DISCORD = SpaceRef("discord", "G1", "100")


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
        self.events: list[str] = []
        self.sent: list = []
        self.got = asyncio.Event()
        self.ended = asyncio.Event()

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")

    async def deliver(self, effects) -> None:
        self.sent.extend(effects)
        self.got.set()


async def test_router_hands_each_effect_to_its_platform():
    slack, discord = FakeAdapter("slack"), FakeAdapter("discord")
    card = Card("Hello")
    await Router([slack, discord]).deliver(
        [Post(SLACK, card), DirectMessage("discord", "u1", card), Post(SLACK, card, key="k")])
    assert [type(e).__name__ for e in slack.sent] == ["Post", "Post"]
    assert [e.member for e in discord.sent] == ["u1"]


async def test_router_refuses_a_platform_it_does_not_run_and_sends_nothing():
    slack = FakeAdapter("slack")
    with pytest.raises(NoAdapter, match="discord"):
        await Router([slack]).deliver([Post(SLACK, Card("a")), Post(DISCORD, Card("b"))])
    assert slack.sent == []


async def _closing_in_an_hour(core, space: SpaceRef, question: str) -> None:
    opener = Actor(space.platform, space.workspace, "U1", "alice", frozenset({"facilitator"}))
    # Only people the platform reports in the channel take part there.
    await core.handle(MembersSeen(opener, space, (opener,)))
    # Posted, as a platform adapter records it once the message is up: otherwise the job
    # that makes sure the card went out could post it first, in its own batch.
    await as_posted(core, await core.handle(CreatePoll(
        opener, space, question=question, options=("Yes", "No"), closes="1h",
        no_remind=True)))


def _quick_app(core, store, clock) -> App:
    """An app whose ticker ticks every tenth of a second."""
    config = Config(scheduler=SchedulerConfig(tick_seconds=0.1))
    return App(config=config, store=store, core=core, clock=clock)


async def _serve_until_delivered(app: App, adapter: FakeAdapter,
                                 meanwhile: Callable[[], None] = lambda: None) -> bool:
    """Serve with one adapter until it is handed something, check ``meanwhile``, stop."""
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, [adapter], stop))
    await asyncio.wait_for(adapter.got.wait(), timeout=10)
    meanwhile()
    stop.set()
    return await asyncio.wait_for(running, timeout=10)


def _collector_settled() -> None:
    # Once started, what start-up made is frozen and young collections are rarer, so a
    # burst of timed work spends less of its time in the garbage collector.
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *collector.OLDER_THRESHOLDS)


async def test_serve_starts_runs_due_work_and_stops(core, store, clock):
    await _closing_in_an_hour(core, SLACK, "Tea?")
    clock.advance(timedelta(hours=2))
    slack = FakeAdapter("slack")
    # The first tick runs at start: the closing missed while "down" is delivered now.
    assert await _serve_until_delivered(_quick_app(core, store, clock), slack,
                                        _collector_settled) is True
    assert slack.events == ["start", "stop"]
    assert any("Outcome of #1" in e.card.title for e in slack.sent)


async def test_a_process_leaves_other_platforms_timed_work_to_theirs(core, store, clock):
    # Two processes share one database: this one runs Slack, another runs Discord.
    await _closing_in_an_hour(core, DISCORD, "Cake?")
    await _closing_in_an_hour(core, SLACK, "Tea?")
    clock.advance(timedelta(hours=2))
    slack = FakeAdapter("slack")
    assert await _serve_until_delivered(_quick_app(core, store, clock), slack) is True
    assert [e.card.title for e in slack.sent if isinstance(e, Post)] == ["Outcome of #1: Tea?"]
    # Discord's closing was not taken (and failed) here: it waits, untried, for the
    # process that runs Discord.
    assert await store.job_failures() == []
    assert (await store.find_poll(DISCORD, 1)).is_open
    discord = FakeAdapter("discord")
    other = Timekeeper(core, Router([discord]).deliver, platforms=["discord"])
    await other.run_due(clock.now())
    assert any(e.card.title == "Outcome of #1: Cake?" for e in discord.sent)


async def test_missing_platform_settings_are_named_before_anything_starts(core, store, clock):
    app = App(config=Config(), store=store, core=core, clock=clock)
    # Socket Mode (the default) needs the app-level token as well as the bot token.
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        create_adapters(app, {"SLACK_BOT_TOKEN": "xoxb-1"}, ["slack"])
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        create_adapters(app, {}, ["discord"])


async def test_a_connection_that_ends_on_its_own_stops_the_bot(core, store, clock):
    app = App(config=Config(), store=store, core=core, clock=clock)
    slack, discord = FakeAdapter("slack"), FakeAdapter("discord")
    running = asyncio.create_task(serve(app, [slack, discord], asyncio.Event()))
    discord.ended.set()  # e.g. Discord refused the token or an intent
    assert await asyncio.wait_for(running, timeout=10) is False
    assert slack.events == ["start", "stop"] and discord.events == ["start", "stop"]


class NeverConnects(FakeAdapter):
    """An adapter whose start never finishes (e.g. Socket Mode still connecting)."""

    def __init__(self, platform: str) -> None:
        super().__init__(platform)
        self.starting = asyncio.Event()

    async def start(self) -> None:
        self.events.append("start")
        self.starting.set()
        await asyncio.Event().wait()


async def test_stop_while_an_adapter_is_still_connecting_stops_cleanly(core, store, clock):
    app = App(config=Config(), store=store, core=core, clock=clock)
    slack, hanging = FakeAdapter("slack"), NeverConnects("discord")
    said: list[str] = []
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, [slack, hanging], stop,
                                        on_running=lambda: said.append("running")))
    await asyncio.wait_for(hanging.starting.wait(), timeout=10)
    stop.set()  # Ctrl+C or SIGTERM
    assert await asyncio.wait_for(running, timeout=10) is True
    assert said == []  # never claimed to be running
    assert slack.events == ["start", "stop"] and hanging.events == ["start", "stop"]


async def test_running_is_announced_only_once_every_adapter_has_started(core, store, clock):
    app = App(config=Config(), store=store, core=core, clock=clock)
    slack, discord = FakeAdapter("slack"), FakeAdapter("discord")
    said: list[tuple[list[str], list[str]]] = []
    stop = asyncio.Event()

    def on_running() -> None:
        said.append((list(slack.events), list(discord.events)))
        stop.set()

    assert await asyncio.wait_for(serve(app, [slack, discord], stop, on_running=on_running),
                                  timeout=10) is True
    assert said == [(["start"], ["start"])]


async def test_an_adapter_that_cannot_start_is_not_announced(core, store, clock):
    from adapters.base import StartFailed

    class PortTaken(FakeAdapter):
        async def start(self) -> None:
            raise StartFailed("port 3000 is in use")

    app = App(config=Config(), store=store, core=core, clock=clock)
    said: list[str] = []
    with pytest.raises(StartFailed):
        await serve(app, [PortTaken("slack")], asyncio.Event(),
                    on_running=lambda: said.append("running"))
    assert said == []
