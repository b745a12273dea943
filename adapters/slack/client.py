"""The Slack Web API client: quiet logs, and 429 answers retried after ``Retry-After``.

slack-sdk and Bolt log whole request and response bodies at DEBUG (a vote
confirmation names a person beside their choice), and Bolt logs the body of any
request it has no listener for. Every Slack library here gets a logger of our own
that never passes those on, whatever level the root logger is set to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

DEFAULT_API_URL = "https://slack.com/api/"
#: A request answered 429 this many times in a row is given up (the caller sees the error).
MAX_RATE_LIMIT_RETRIES = 5
#: Waits longer than this are capped: a job's lease must outlast its sends.
MAX_RETRY_AFTER = 60.0

Sleep = Callable[[float], Awaitable[None]]


class _Quiet(logging.Filter):
    """Drops records that may carry a request body; keeps their gist at WARNING and above."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        message = record.getMessage()
        if message.startswith("Unhandled request"):
            record.msg, record.args = "Unhandled Slack request (body not logged)", ()
        elif (record.exc_info or "body" in message.lower() or "payload" in message.lower()
              or "responded" in message.lower()):
            # e.g. Bolt's "Failed to authorize ... The server responded with: {...}"
            # Keep that something failed, not what it carried.
            kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
            record.msg, record.args = f"Slack library reported a problem {kind}".strip(), ()
            record.exc_info, record.exc_text = None, None
        return True


def quiet_logger(name: str) -> logging.Logger:
    """A logger for a Slack library that passes on warnings and errors without bodies."""
    logger = logging.getLogger(f"adapters.slack.lib.{name}")
    logger.setLevel(logging.WARNING)
    if not any(isinstance(f, _Quiet) for f in logger.filters):
        logger.addFilter(_Quiet())
    return logger


class RetryAfter(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 answer after the ``Retry-After`` seconds Slack asked for.

    Args:
        max_retry_count: Retries of one request before giving up.
        sleep: How to wait (tests pass a recorder instead of really waiting).
    """

    def __init__(self, max_retry_count: int = MAX_RATE_LIMIT_RETRIES,
                 sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    async def prepare_for_next_attempt_async(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Wait as long as Slack asked, then let the client send the request again."""
        if response is None:
            raise error or RuntimeError("rate limited without a response")
        state.next_attempt_requested = True
        wait = 1.0
        for name, values in response.headers.items():
            if name.lower() == "retry-after" and values:
                try:
                    wait = float(values[0])
                except ValueError:
                    wait = 1.0
        await self.sleep(min(max(wait, 0.0), MAX_RETRY_AFTER))
        state.increment_current_attempt()


def make_client(token: str, base_url: str = DEFAULT_API_URL, sleep: Sleep = asyncio.sleep,
                ) -> AsyncWebClient:
    """A Web API client that retries 429s and dropped connections and logs no bodies."""
    handlers: list[AsyncRetryHandler] = [RetryAfter(sleep=sleep),
                                         AsyncConnectionErrorRetryHandler()]
    return AsyncWebClient(token=token, base_url=base_url, logger=quiet_logger("web"),
                          retry_handlers=handlers)
