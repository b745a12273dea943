"""Voter tags: how one person gets one ballot per poll without the ballot saying who.

``voter tag = HMAC(poll key, member identity)`` where the poll key is derived
from a master secret that never enters the database and a random per-poll salt
that does. The tag lets a second vote replace the first and makes double voting
impossible. At close the store clears the tags and deletes the salt, so the
link is gone for good — even for someone holding the master secret.
See ``docs/anonymity.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SALT_BYTES = 32
MIN_SECRET_BYTES = 32
KEY_CACHE_SIZE = 256

#: The promise shown to voters before they vote, in one line.
PROMISE = (
    "Anonymous: nobody, not the facilitators and not whoever runs the database, can see "
    "what you chose."
)
#: The full promise, for help and documentation.
PROMISE_FULL = (
    "Nobody — not the facilitators, not whoever runs the database — can see what you chose, "
    "and once the poll closes nobody can find out, not even with the bot's own secrets. "
    "While it is open the running bot holds the key, and the chat platform itself sees "
    "your click."
)
OPEN_POLL_NOTE = "Open poll: everyone will be able to see who voted for what."


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

    def __repr__(self) -> str:
        # Never let the secret reach a log through a repr.
        return "Keyring(<secret>)"
