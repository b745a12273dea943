"""The ``roundtable`` command: run, console, export, db."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from adapters.base import StartFailed
from roundtable.config import Config, ConfigError, load_config
from roundtable.keyfile import SecretError
from storage.engine import DatabaseURLError

DEFAULT_CONFIG = "config.toml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roundtable",
        description="Group decisions as equals, in Slack, Discord or a terminal playground.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start every platform with credentials set; "
                                     "with none, open the playground")
    run.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG} if present)")
    console = sub.add_parser("console", help="the terminal playground")
    console.add_argument("--config")
    console.add_argument("--script", help="run the lines of this file, then stop")
    console.add_argument("--db", help="database URL (default: from the config)")
    export = sub.add_parser("export", help="write the decision log or the contribution "
                                           "record to standard output")
    export.add_argument("what", choices=["decisions", "contributions"])
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--from", dest="since", type=_day, metavar="DATE",
                        help="contributions: first day, YYYY-MM-DD (default: 90 days before --to)")
    export.add_argument("--to", dest="until", type=_day, metavar="DATE",
                        help="contributions: last day, YYYY-MM-DD (default: today, UTC)")
    export.add_argument("--config")
    export.add_argument("--db", help="database URL (default: from the config)")
    db = sub.add_parser("db", help="the database schema: say which revision it is at, or "
                                   "upgrade it (starting Roundtable upgrades it too)")
    db.add_argument("action", choices=["current", "upgrade"])
    db.add_argument("--config")
    db.add_argument("--db", help="database URL (default: from the config)")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it like 2026-03-31") \
            from None


def _period(since: date | None, until: date | None) -> tuple[date, date]:
    until = until or datetime.now(UTC).date()
    since = since or until - timedelta(days=89)
    if since > until:
        raise ConfigError(f"--from {since} is after --to {until}; give the earlier date first.")
    return since, until


def _config(path: str | None) -> Config:
    if path is None and Path(DEFAULT_CONFIG).exists():
        path = DEFAULT_CONFIG
    return load_config(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``roundtable`` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    command = args.command or "run"
    try:
        config = _config(getattr(args, "config", None))
        if command == "export" and args.what == "contributions":
            since, until = _period(args.since, args.until)
            return asyncio.run(_export_contributions(config, args.format, args.db, since, until))
        if command == "export":
            if args.since or args.until:
                raise ConfigError("--from and --to are for export contributions; the decision "
                                  "log is exported whole.")
            return asyncio.run(_export(config, args.format, args.db))
        if command == "db":
            return asyncio.run(_db(config, args.action, args.db))
        if command == "console":
            return asyncio.run(_console(config, args.script, args.db))
        return asyncio.run(_run(config))
    except SecretError as error:
        # A weak, malformed or exposed master secret: refused, exit status 1.
        print(f"roundtable: {error}", file=sys.stderr)
        return 1
    except StartFailed as error:
        # A platform refused to start (a wrong token, a port in use): exit status 1.
        print(f"roundtable: {error.message}", file=sys.stderr)
        return 1
    except (ConfigError, DatabaseURLError) as error:
        print(f"roundtable: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _run(config: Config) -> int:
    from bot.ports import SystemClock
    from roundtable.bootstrap import build, create_adapters, platforms_configured, serve

    platforms = platforms_configured(os.environ)
    if not platforms:
        print("No SLACK_BOT_TOKEN or DISCORD_TOKEN in the environment, so Roundtable opens "
              "the terminal playground (see README.md to connect Slack or Discord).",
              file=sys.stderr)
        return await _console(config, None, None)
    app = await build(config, os.environ, SystemClock())
    try:
        adapters = create_adapters(app, os.environ, platforms)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        def running() -> None:
            # Only once every platform is connected (HTTP mode: its port is bound).
            print(f"Roundtable is running on {', '.join(platforms)}. Press Ctrl+C to stop.",
                  file=sys.stderr)

        clean = await serve(app, adapters, stop, on_running=running)
    finally:
        await app.close()
    print("Roundtable stopped; pending work is kept in the database." if clean else
          "Roundtable stopped because a platform connection ended (see the log above); "
          "pending work is kept in the database.", file=sys.stderr)
    return 0 if clean else 1


async def _console(config: Config, script: str | None, db_url: str | None) -> int:
    from adapters.console.playground import Playground
    from bot.ports import FakeClock
    from roundtable.bootstrap import build

    clock = FakeClock()
    app = await build(config, os.environ, clock, db_url)
    try:
        playground = Playground(app.core, clock, config.console.people, config.console.channel)
        await playground.start()
        if script is not None:
            try:
                lines = Path(script).read_text(encoding="utf-8").splitlines()
            except OSError as error:
                print(f"roundtable: cannot read the script {script}: {error.strerror}",
                      file=sys.stderr)
                return 2
            await playground.run_lines(lines)
        elif not sys.stdin.isatty():
            await playground.run_lines(sys.stdin.read().splitlines())
        else:
            while playground.running:
                try:
                    line = await asyncio.to_thread(input, f"{playground.current}> ")
                except EOFError:
                    break
                await playground.run_line(line)
    finally:
        await app.close()
    return 0


async def _export(config: Config, fmt: str, db_url: str | None) -> int:
    from bot.polls.export import decisions_csv, decisions_json
    from bot.ports import SystemClock
    from roundtable.bootstrap import build

    app = await build(config, os.environ, SystemClock(), db_url)
    try:
        decisions = await app.store.decisions(None)
    finally:
        await app.close()
    text = decisions_json(decisions) + "\n" if fmt == "json" else decisions_csv(decisions)
    sys.stdout.write(text)
    return 0


async def _export_contributions(config: Config, fmt: str, db_url: str | None, since: date,
                                until: date) -> int:
    from bot.ports import SystemClock
    from bot.voices.involvement import involvement_csv, involvement_json, involvement_rows
    from roundtable.bootstrap import build

    app = await build(config, os.environ, SystemClock(), db_url)
    try:
        rows = await involvement_rows(app.store, since, until)
    finally:
        await app.close()
    text = (involvement_json(rows, since, until) + "\n" if fmt == "json"
            else involvement_csv(rows))
    sys.stdout.write(text)
    return 0


async def _db(config: Config, action: str, db_url: str | None) -> int:
    from storage import SqlStore, make_engine
    from storage.schema import current_revision

    engine = make_engine(db_url or config.storage.url)
    if action == "upgrade":
        # The same upgrade, under the same lock, as every start does.
        store = SqlStore(engine)
        try:
            await store.start()
        finally:
            await store.close()
        engine = make_engine(db_url or config.storage.url)
    try:
        async with engine.connect() as conn:
            revision = await current_revision(conn)
    finally:
        await engine.dispose()
    print(revision.describe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
