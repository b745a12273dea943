"""Voter tags and sealed ballots: one ballot per person, and nothing readable without the key.

``voter tag = HMAC(poll key, member identity)`` where the poll key is derived
from a master secret that never enters the database and a random per-poll salt
that does. The tag lets a second vote replace the first and makes double voting
impossible.

While a poll is open its ballots (and a round's ideas) are *sealed*: encrypted with
AES-GCM under a key derived from the master secret and the poll's salt, padded to one
size per poll kind, so a copy of the database without the master secret shows no
choice, and the order rows were written in links a voter to nothing readable. At
close the core opens them, the store writes them back in shuffled order without tags,
and the salt is deleted, so the link is gone for good — even for someone holding the
master secret. See ``docs/anonymity.md``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import struct
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.errors import RoundtableError
from bot.i18n import N_, _
from bot.model import MAX_SCORE, Ballot, PollKind, PollSpec
from bot.records import ballot_to_json

SALT_BYTES = 32
MIN_SECRET_BYTES = 32
KEY_CACHE_SIZE = 256

#: What a sealed text starts with; anything else is plain (a closed poll's, or older).
SEALED_PREFIX = "s1:"
#: Sealed sizes (bytes before encryption). Every ballot of a poll is padded to the same
#: size (``sealed_size``), so the length of a sealed ballot says nothing about what it
#: holds. A proposal's ballot may carry a reason of 500 characters (at most 4 bytes each).
REASON_BALLOT_SIZE = 2048
IDEA_SIZE = 512
_NONCE_BYTES = 12
_LENGTH = struct.Struct(">H")


#: Kinds whose ballots are option numbers (the rest give points to options).
_PICKING = (PollKind.CHOICE, PollKind.MULTI, PollKind.RANKED)


class SealError(RoundtableError):
    """A sealed text could not be opened: the master secret is not the one that sealed it."""

# The promises below are English here: show them with ``bot.i18n._`` (``_(PROMISE)``),
# so that each reader gets them in their own language.
#: The promise shown to voters before they vote, in one line.
PROMISE = N_(
    "Anonymous: nobody can see what you chose. Not the facilitators, and not the people who "
    "run the bot."
)
#: The full promise, for help and documentation.
PROMISE_FULL = N_(
    "Nobody can see what you chose. Not the facilitators, and not the people who run the "
    "bot. Once the poll ends, nobody can ever find out, even with the bot's own keys. "
    "While it is open, the bot holds the key to count the votes at the end. The chat app "
    "itself sees your click."
)
OPEN_POLL_NOTE = N_("Open poll: everyone will be able to see who voted for what.")


def sealed_size(spec: PollSpec) -> int:
    """The one size every sealed ballot of a poll like ``spec`` is padded to: room for the
    longest ballot the poll can take, so that no ballot's length stands out."""
    return _sealed_size(spec.kind, len(spec.options), spec.dots or 0)


@lru_cache(maxsize=256)
def _sealed_size(kind: PollKind, options: int, dots: int) -> int:
    if kind is PollKind.CONSENT:
        return REASON_BALLOT_SIZE
    every = tuple(range(options))
    most = max(MAX_SCORE, dots)
    if kind is PollKind.CHOICE:
        widest = Ballot(picks=every[-1:])
    elif kind in _PICKING:
        widest = Ballot(picks=every)
    else:
        widest = Ballot(points=tuple((i, most) for i in every))
    # The length prefix, then the longest ballot, rounded up to a whole AES block.
    needed = _LENGTH.size + len(ballot_to_json(widest).encode("utf-8"))
    return -(-needed // 16) * 16


def new_salt() -> bytes:
    """A fresh random salt for one poll."""
    return secrets.token_bytes(SALT_BYTES)


class Keyring:
    """Holds the master secret and makes voter tags from it.

    Args:
        master: At least 32 random bytes, kept outside the database.
    """

    def __init__(self, master: bytes) -> None:
        if len(master) < MIN_SECRET_BYTES:
            raise ValueError(f"the master secret must be at least {MIN_SECRET_BYTES} bytes")
        self._master = master
        # Poll keys of recently used salts: one HMAC per vote instead of two. Bounded, and
        # harmless to lose: a key is always re-derivable while its salt exists.
        self._keys: dict[bytes, bytes] = {}
        self._aeads: dict[bytes, AESGCM] = {}

    def poll_key(self, salt: bytes) -> bytes:
        """The key for one poll: it exists only while the poll's salt does."""
        key = self._keys.get(salt)
        if key is None:
            if len(self._keys) >= KEY_CACHE_SIZE:
                self._keys.clear()
            key = hmac.new(self._master, b"roundtable poll key\x00" + salt,
                           hashlib.sha256).digest()
            self._keys[salt] = key
        return key

    def voter_tag(self, salt: bytes, member: str) -> bytes:
        """The tag that stands for ``member`` on the poll with this salt."""
        return hmac.new(self.poll_key(salt), member.encode("utf-8"), hashlib.sha256).digest()

    def _aead(self, salt: bytes) -> AESGCM:
        # A key of its own for sealing, never the tag key: one secret, one job.
        aead = self._aeads.get(salt)
        if aead is None:
            if len(self._aeads) >= KEY_CACHE_SIZE:
                self._aeads.clear()
            key = hmac.new(self._master, b"roundtable seal key\x00" + salt,
                           hashlib.sha256).digest()
            aead = self._aeads[salt] = AESGCM(key)
        return aead

    def seal(self, salt: bytes, text: str, size: int, purpose: bytes = b"ballot") -> str:
        """``text`` encrypted under the poll's sealing key, padded to ``size`` bytes.

        A text longer than ``size`` (which the callers' own limits rule out) is padded to
        the next multiple of ``size`` rather than refused.
        """
        data = text.encode("utf-8")
        body = _LENGTH.pack(len(data)) + data
        padded = body + bytes(-len(body) % size if len(body) > size else size - len(body))
        nonce = os.urandom(_NONCE_BYTES)
        sealed = nonce + self._aead(salt).encrypt(nonce, padded, purpose)
        return SEALED_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, salt: bytes | None, text: str, purpose: bytes = b"ballot") -> str:
        """The plain text of a sealed ``text``; a text that is not sealed comes back as it is.

        Raises:
            SealError: The text is sealed but cannot be opened (no salt any more, or a
                different master secret).
        """
        if not text.startswith(SEALED_PREFIX):
            return text
        if salt is None:
            raise SealError(_("This poll's votes can no longer be read: it has already ended."))
        try:
            raw = base64.urlsafe_b64decode(text[len(SEALED_PREFIX):])
            padded = self._aead(salt).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose)
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise SealError(_(
                "The votes in this poll cannot be read, because the bot's secret key has "
                "changed since they were cast. Nothing was lost. Ask whoever runs Roundtable "
                "to put back the key it had (ROUNDTABLE_SECRET or the key file), then try "
                "again in a few minutes."
            )) from error
        (length,) = _LENGTH.unpack_from(padded)
        return padded[_LENGTH.size:_LENGTH.size + length].decode("utf-8")

    def keyed(self, salt: bytes, text: str) -> str:
        """A keyed hash of ``text`` for this poll (hex): equal texts match, nothing readable."""
        return hmac.new(self.poll_key(salt), b"\x00text\x00" + text.encode("utf-8"),
                        hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        # Never let the secret reach a log through a repr.
        return "Keyring(<secret>)"
