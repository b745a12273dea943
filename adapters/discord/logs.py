"""Keeping payloads out of discord.py's debug logs.

At DEBUG, discord.py logs request bodies, response bodies, gateway events and
interaction URLs (which hold the interaction's token). A body can hold a voter's
private confirmation and a gateway event a person's select values, so that
would put a person beside a choice in the log. This filter keeps those lines but
withholds every text or structured argument; numbers (status codes, shard ids,
delays) stay. The bot token itself is only ever sent in a header, never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

#: discord.py's loggers that print payloads or URLs at DEBUG.
PAYLOAD_LOGGERS = ("discord.http", "discord.gateway", "discord.webhook.async_",
                   "discord.state", "discord.client", "discord.shard")
WITHHELD = "<withheld>"


class WithholdPayloads(logging.Filter):
    """Replaces the text and structured arguments of DEBUG records with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without what it would have printed of a payload."""
        if record.levelno > logging.DEBUG or not record.args:
            return True
        if isinstance(record.args, Mapping) and "%(" in str(record.msg):
            record.args = {key: _keep(value) for key, value in record.args.items()}
        else:
            # One dict argument arrives as the mapping itself; "%s" still wants a tuple.
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_keep(value) for value in args)
        return True


def _keep(value: object) -> object:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else WITHHELD


def withhold_payloads() -> None:
    """Install the filter on discord.py's payload loggers (once per process)."""
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithholdPayloads) for f in logger.filters):
            logger.addFilter(WithholdPayloads())


#: What discord.py says at every start when its optional voice libraries are missing.
VOICE_WARNING = "voice will NOT be supported"


class QuietVoiceWarnings(logging.Filter):
    """Drops discord.py's start-up warnings that PyNaCl or davey is not installed:
    Roundtable never uses voice. Every other record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False only for the voice-library warnings."""
        return not (record.levelno == logging.WARNING
                    and VOICE_WARNING in str(record.msg))


def quiet_voice_warnings() -> None:
    """Install the filter on ``discord.client``, which logs them (once per process)."""
    logger = logging.getLogger("discord.client")
    if not any(isinstance(f, QuietVoiceWarnings) for f in logger.filters):
        logger.addFilter(QuietVoiceWarnings())
