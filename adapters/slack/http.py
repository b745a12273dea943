"""HTTP mode's front door: the signature is checked on the raw bytes before anything
reads the body, so a forged or malformed request never reaches a parser.

Bolt's own aiohttp adapter parses the body before it checks the signature, so an
unsigned ``{not json`` became a 500 with a traceback. Here:

- no valid ``X-Slack-Signature`` (HMAC-SHA256 of ``v0:{timestamp}:{raw body}`` with
  the signing secret, timestamp within 5 minutes): 401, nothing logged but the fact;
- signed, but not a body Slack sends (not UTF-8, not JSON, a JSON list...): 400;
- otherwise Bolt handles it (and checks the signature again).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger(__name__)

#: Requests whose timestamp is further than this from now (seconds) are refused.
MAX_AGE = 5 * 60


def signed(secret: str, body: bytes, timestamp: str | None, signature: str | None,
           now: Callable[[], float] = time.time) -> bool:
    """Whether Slack signed this raw body (and recently)."""
    if not timestamp or not signature:
        return False
    try:
        if abs(now() - int(timestamp)) > MAX_AGE:
            return False
    except ValueError:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + digest, signature)


def verified_web_app(bolt: AsyncApp, secret: str, path: str) -> web.Application:
    """An aiohttp application that answers Slack's requests at ``path`` through Bolt."""

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        if not signed(secret, raw, request.headers.get("X-Slack-Request-Timestamp"),
                      request.headers.get("X-Slack-Signature")):
            log.info("refused a Slack request without a valid signature")
            return web.Response(status=401, text="invalid signature")
        try:
            bolt_request = AsyncBoltRequest(body=raw.decode("utf-8"),
                                            query=request.query_string,
                                            headers=dict(request.headers))
            if not isinstance(bolt_request.body, dict):
                raise ValueError("not an object")
        except Exception as error:
            log.info("refused a signed Slack request that could not be read (%s)",
                     type(error).__name__)
            return web.Response(status=400, text="unreadable request")
        try:
            response = await bolt.async_dispatch(bolt_request)
        except Exception as error:
            # The type only: the request may carry people's words and choices.
            log.warning("Slack request failed with %s", type(error).__name__)
            return web.Response(status=500, text="internal error")
        return await to_aiohttp_response(response)

    app = web.Application()
    app.router.add_post(path, handle)
    return app
