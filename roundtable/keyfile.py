"""The anonymity master secret: from the environment, or a key file made on first run.

It is never stored in the database. See ``docs/anonymity.md``.
"""

from __future__ import annotations

import binascii
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from roundtable.config import ConfigError

ENV_VAR = "ROUNDTABLE_SECRET"
SECRET_BYTES = 32


def load_master_secret(env: Mapping[str, str], key_file: str | Path) -> bytes:
    """The master secret: ``ROUNDTABLE_SECRET`` (64+ hex digits), else the key file.

    The key file is created with owner-only permissions if it does not exist.

    Raises:
        ConfigError: The variable or the file holds something that is not a secret.
    """
    value = env.get(ENV_VAR, "").strip()
    if value:
        return _decode(value, f"the environment variable {ENV_VAR}")
    path = Path(key_file)
    try:
        return _decode(path.read_text(encoding="ascii").strip(), f"the key file {path}")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(SECRET_BYTES)
    try:
        # O_EXCL: if two processes start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode(path.read_text(encoding="ascii").strip(), f"the key file {path}")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(fresh + "\n")
    return bytes.fromhex(fresh)


def _decode(text: str, where: str) -> bytes:
    try:
        secret = bytes.fromhex(text)
    except (ValueError, binascii.Error):
        raise ConfigError(f"{where} must hold at least 64 hexadecimal digits "
                          "(make one with: python -c \"import secrets; "
                          "print(secrets.token_hex(32))\").") from None
    if len(secret) < SECRET_BYTES:
        raise ConfigError(f"{where} is too short: it needs at least 64 hexadecimal digits.")
    return secret
