"""Roundtable on Slack: slash command, buttons and forms, DMs, App Home, counted messages.

``create(app, env)`` builds the adapter from the config's ``[slack]`` section and
secrets from the environment (see docs/slack.md):

- ``SLACK_BOT_TOKEN`` (always), the bot token, ``xoxb-…``;
- ``SLACK_APP_TOKEN`` for Socket Mode (the default), an app-level token, ``xapp-…``;
- ``SLACK_SIGNING_SECRET`` for HTTP mode;
- ``SLACK_API_URL`` (optional) another Web API address, e.g. a local fake in tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.base import ConfigError, Host
from adapters.slack.adapter import EVENTS_PATH, SlackAdapter
from adapters.slack.client import DEFAULT_API_URL

__all__ = ["EVENTS_PATH", "SlackAdapter", "create"]


def _required(env: Mapping[str, str], name: str, why: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set: {why} (see docs/slack.md).")
    return value


def create(app: Host, env: Mapping[str, str]) -> SlackAdapter:
    """The Slack adapter for this config and environment (not yet started).

    Raises:
        ConfigError: A variable the chosen mode needs is missing; the message names it.
    """
    settings = app.config.slack
    token = _required(env, "SLACK_BOT_TOKEN", "Slack needs the bot token (xoxb-...)")
    if settings.mode == "socket":
        app_token = _required(env, "SLACK_APP_TOKEN", "slack.mode is socket, which needs an "
                              "app-level token (xapp-...) with connections:write")
        return SlackAdapter(app.core, bot_token=token, mode="socket", app_token=app_token,
                            api_url=env.get("SLACK_API_URL") or DEFAULT_API_URL,
                            record_api_error=app.record_api_error)
    secret = _required(env, "SLACK_SIGNING_SECRET", "slack.mode is http, which needs the app's "
                       "signing secret to check that requests come from Slack")
    return SlackAdapter(app.core, bot_token=token, mode="http", signing_secret=secret,
                        port=settings.port, api_url=env.get("SLACK_API_URL") or DEFAULT_API_URL,
                        record_api_error=app.record_api_error)
