"""The anonymity master secret: from the environment, or a key file made on first run.

It is never stored in the database. See ``docs/anonymity.md``.

A secret is refused, with a message saying how to fix it, when:

- it is not exactly hexadecimal digits (surrounding whitespace aside): ``0x``, spaces
  or colons inside are an error, not something quietly cleaned up;
- it is shorter than 32 bytes (64 digits);
- it does not look random: fewer than 16 different byte values (all zeros, one byte
  repeated, a short pattern repeated). 32 truly random bytes have fewer than 16
  different values with probability about 3e-17, so a real
  ``secrets.token_hex(32)`` never trips this;
- it comes from a key file that group or others may read or write (anything beyond
  owner-only, e.g. 0644): the message names the file and the ``chmod 600`` to run.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import stat
from collections.abc import Mapping
from pathlib import Path

from roundtable.config import ConfigError

ENV_VAR = "ROUNDTABLE_SECRET"
SECRET_BYTES = 32
#: The fewest different byte values a secret may have (see the module docstring).
MIN_DISTINCT_BYTES = 16
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_MAKE_ONE = "make one with: python -c \"import secrets; print(secrets.token_hex(32))\""


class SecretError(ConfigError):
    """The master secret is weak, malformed or readable by others; Roundtable will not start."""


def load_master_secret(env: Mapping[str, str], key_file: str | Path) -> bytes:
    """The master secret: ``ROUNDTABLE_SECRET`` (64+ hex digits), else the key file.

    The key file is created with owner-only permissions if it does not exist.

    Raises:
        SecretError: The variable or the file holds something that is not a strong
            secret, or the key file is not owner-only (rules in the module docstring).
    """
    value = env.get(ENV_VAR, "").strip()
    if value:
        return _decode(value, f"the environment variable {ENV_VAR}")
    path = Path(key_file)
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(SECRET_BYTES)
    while _weakness(bytes.fromhex(fresh)):  # about once in 3e16 runs
        fresh = secrets.token_hex(SECRET_BYTES)
    try:
        # O_EXCL: if two processes start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(fresh + "\n")
    return bytes.fromhex(fresh)


def _read_key_file(path: Path) -> bytes:
    """The secret in an existing key file, refused if anyone but the owner may read it.

    Raises:
        FileNotFoundError: There is no key file yet.
        SecretError: The file is not owner-only, or holds a weak or malformed secret.
    """
    try:
        handle = open(path, encoding="ascii", errors="replace")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise
    except OSError as error:
        raise SecretError(f"cannot read the key file {path.resolve()}: {error.strerror}.") \
            from None
    with handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if os.name == "posix" and mode & 0o077:
            where = path.resolve()
            raise SecretError(
                f"the key file {where} can be read or changed by other users (its mode is "
                f"{mode:04o}). Only its owner may have access: run  "
                f"chmod 600 {shlex.quote(str(where))}  "
                "and start Roundtable again.")
        text = handle.read()
    return _decode(text.strip(), f"the key file {path.resolve()}")


def _decode(text: str, where: str) -> bytes:
    """The secret written as hex digits in ``text``, checked for strength.

    The secret is never part of the message: it may be nearly right.
    """
    if not _HEX.fullmatch(text):
        problem = ("has an odd number of hexadecimal digits" if re.fullmatch(r"[0-9a-fA-F]+", text)
                   else "holds something other than hexadecimal digits (spaces, 0x, colons or "
                   "other characters are not cleaned up)")
        raise SecretError(f"{where} {problem}: it must be at least 64 hexadecimal digits and "
                          f"nothing else ({_MAKE_ONE}).")
    secret = bytes.fromhex(text)
    if len(secret) < SECRET_BYTES:
        raise SecretError(f"{where} is too short: it needs at least 64 hexadecimal digits "
                          f"({_MAKE_ONE}).")
    weakness = _weakness(secret)
    if weakness:
        raise SecretError(f"{where} does not look random ({weakness}), so anyone could guess "
                          f"it; use a random one ({_MAKE_ONE}).")
    return secret


def _weakness(secret: bytes) -> str | None:
    distinct = len(set(secret))
    if distinct < MIN_DISTINCT_BYTES:
        return (f"only {distinct} different byte value{'s' if distinct != 1 else ''}; "
                f"a random secret has at least {MIN_DISTINCT_BYTES}")
    return None
