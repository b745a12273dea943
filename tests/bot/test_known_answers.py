"""Known answers for the anonymity keys (bot/anonymity.py), worked out here independently.

The other anonymity tests compute the tags they expect with ``Keyring`` itself, so a
Keyring that derived every poll's key without the poll's salt (every poll the same key,
tags linkable across polls) would agree with them. Here each expected value is worked
out from fixed inputs with ``hmac``/``hashlib`` and ``cryptography``'s AESGCM, following
docs/anonymity.md ("How"), and a few are pinned as literal hex.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3
import struct
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.anonymity import (
    IDEA_SIZE,
    PROMISE_FULL,
    Keyring,
    SealError,
    new_salt,
    sealed_size,
)
from bot.model import Method, PollKind, PollSpec
from tests.conftest import SECRET

MASTER = bytes(range(32))
SALT_A = bytes.fromhex("a5" * 16 + "5a" * 16)
SALT_B = bytes.fromhex("5a" * 16 + "a5" * 16)
MEMBER = "slack:T1:U123"
#: Worked out once with the standard library alone (see _poll_key and _tag below).
POLL_KEY_A_HEX = "934306f271fddcf00bdb101aa6e8422b9c8511f90f241a8908d12bde65e26e01"
TAG_A_HEX = "feeae914a7e48afd8df95cc4ccb04bd73fd405fd0a2c71812025981e44dc3e3f"
SEAL_KEY_A_HEX = "c053bbb31f8dc7d9b9a74d59c09e9a1f2ac2425e0e36d8d954f4161420dc4590"
PREFIX = "s1:"


# -- the derivations, written out from docs/anonymity.md --------------------------------


def _poll_key(master: bytes, salt: bytes) -> bytes:
    return hmac.new(master, b"roundtable poll key\x00" + salt, hashlib.sha256).digest()


def _tag(master: bytes, salt: bytes, member: str) -> bytes:
    return hmac.new(_poll_key(master, salt), member.encode("utf-8"), hashlib.sha256).digest()


def _seal_key(master: bytes, salt: bytes) -> bytes:
    return hmac.new(master, b"roundtable seal key\x00" + salt, hashlib.sha256).digest()


def _keyed(master: bytes, salt: bytes, text: str) -> str:
    return hmac.new(_poll_key(master, salt), b"\x00text\x00" + text.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def _unseal(master: bytes, salt: bytes, sealed: str, purpose: bytes = b"ballot") -> bytes:
    """The padded plain bytes of a sealed text: 12-byte nonce, then AES-GCM."""
    assert sealed.startswith(PREFIX)
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX):])
    return AESGCM(_seal_key(master, salt)).decrypt(raw[:12], raw[12:], purpose)


def _seal(master: bytes, salt: bytes, text: str, size: int, purpose: bytes = b"ballot") -> str:
    data = text.encode("utf-8")
    body = struct.pack(">H", len(data)) + data
    padded = body + bytes(-len(body) % size)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(_seal_key(master, salt)).encrypt(nonce, padded, purpose)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")


def _body(text: str, size: int) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">H", len(data)) + data + bytes(size - 2 - len(data))


# -- keys and tags -----------------------------------------------------------------------


def test_the_literal_known_answers_follow_from_the_documented_derivation():
    assert _poll_key(MASTER, SALT_A).hex() == POLL_KEY_A_HEX
    assert _tag(MASTER, SALT_A, MEMBER).hex() == TAG_A_HEX
    assert _seal_key(MASTER, SALT_A).hex() == SEAL_KEY_A_HEX


def test_poll_key_and_voter_tag_are_the_documented_hmacs():
    keyring = Keyring(MASTER)
    assert keyring.poll_key(SALT_A).hex() == POLL_KEY_A_HEX
    assert keyring.voter_tag(SALT_A, MEMBER).hex() == TAG_A_HEX
    for salt in (SALT_A, SALT_B):
        assert keyring.poll_key(salt) == _poll_key(MASTER, salt)
        for member in (MEMBER, "console:local:zoë", "discord:1:2"):
            assert keyring.voter_tag(salt, member) == _tag(MASTER, salt, member)
    # Asked again (from its cache), the same answers.
    assert keyring.voter_tag(SALT_A, MEMBER).hex() == TAG_A_HEX


def test_one_person_has_unlinkable_tags_in_two_polls():
    keyring = Keyring(MASTER)
    assert keyring.poll_key(SALT_A) != keyring.poll_key(SALT_B)
    assert keyring.voter_tag(SALT_A, MEMBER) != keyring.voter_tag(SALT_B, MEMBER)
    # ...and the tag needs the master secret too.
    other = Keyring(bytes(range(1, 33)))
    assert other.voter_tag(SALT_A, MEMBER) != keyring.voter_tag(SALT_A, MEMBER)


def test_the_seal_key_is_not_the_tag_key():
    keyring = Keyring(MASTER)
    sealed = keyring.seal(SALT_A, '{"p":[1]}', 16)
    with pytest.raises(InvalidTag):
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX):])
        AESGCM(_poll_key(MASTER, SALT_A)).decrypt(raw[:12], raw[12:], b"ballot")


def test_keyed_idea_hashes_are_the_documented_hmac():
    keyring = Keyring(MASTER)
    for text in ("peer-led workshops", "café au lait", ""):
        assert keyring.keyed(SALT_A, text) == _keyed(MASTER, SALT_A, text)
    # The same words in another round hash differently: rounds cannot be lined up.
    assert keyring.keyed(SALT_A, "a picnic") != keyring.keyed(SALT_B, "a picnic")


# -- sealing -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "size"), [
    ('{"p":[1]}', 16),        # shorter than the size: padded with zeros
    ("x" * 14, 16),           # length prefix and text fill the size exactly
    ("é" * 7, 16),            # counted in bytes, not characters
    ('{"c":"block","r":"No quorum"}', 2048),
])
def test_a_sealed_text_is_aes_gcm_of_the_padded_text(text, size):
    sealed = Keyring(MASTER).seal(SALT_A, text, size)
    assert sealed.startswith(PREFIX)
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX):])
    assert len(raw) == 12 + size + 16  # nonce, the padded text, GCM's tag
    assert _unseal(MASTER, SALT_A, sealed) == _body(text, size)


def test_a_text_longer_than_the_size_is_padded_to_a_whole_number_of_sizes():
    keyring = Keyring(MASTER)
    for text, padded in (("y" * 15, 32), ("y" * 30, 32), ("y" * 31, 48)):
        plain = _unseal(MASTER, SALT_A, keyring.seal(SALT_A, text, 16))
        assert len(plain) == padded
        assert plain == struct.pack(">H", len(text)) + text.encode() + bytes(padded - 2 - len(text))
        assert keyring.open(SALT_A, keyring.seal(SALT_A, text, 16)) == text
    # Even past what a signed length prefix could hold.
    huge = "z" * 40_000
    assert keyring.open(SALT_A, keyring.seal(SALT_A, huge, IDEA_SIZE)) == huge
    assert _unseal(MASTER, SALT_A, keyring.seal(SALT_A, huge, IDEA_SIZE))[:2] == b"\x9c\x40"


def test_every_ballot_of_a_poll_has_one_sealed_length_and_a_fresh_nonce():
    keyring = Keyring(MASTER)
    spec = _spec(PollKind.RANKED, 4)
    size = sealed_size(spec)
    texts = ['{"p":[0]}', '{"p":[3,2,1,0]}', '{"p":[1,0]}']
    sealed = [keyring.seal(SALT_A, text, size) for text in texts]
    assert len({len(s) for s in sealed}) == 1
    assert keyring.seal(SALT_A, texts[0], size) != sealed[0]  # same vote, other bytes


def test_texts_sealed_independently_are_opened():
    keyring = Keyring(MASTER)
    for text in ('{"p":[2]}', "Peer-led workshops ✨", "w" * 600):
        assert keyring.open(SALT_A, _seal(MASTER, SALT_A, text, 16)) == text
        assert keyring.open(SALT_A, _seal(MASTER, SALT_A, text, 512, b"idea"), b"idea") == text


def test_a_ballot_sealed_for_one_poll_cannot_be_opened_with_another_polls_key():
    keyring = Keyring(MASTER)
    sealed = keyring.seal(SALT_A, '{"p":[0]}', 16)
    with pytest.raises(SealError, match="secret key has changed"):
        keyring.open(SALT_B, sealed)
    with pytest.raises(InvalidTag):
        _unseal(MASTER, SALT_B, sealed)
    # Nor with another master secret.
    with pytest.raises(SealError):
        Keyring(bytes(range(1, 33))).open(SALT_A, sealed)
    assert keyring.open(SALT_A, sealed) == '{"p":[0]}'


def test_a_sealed_idea_never_passes_for_a_ballot():
    keyring = Keyring(MASTER)
    idea = keyring.seal(SALT_A, "A picnic", IDEA_SIZE, b"idea")
    assert _unseal(MASTER, SALT_A, idea, b"idea") == _body("A picnic", IDEA_SIZE)
    with pytest.raises(InvalidTag):
        _unseal(MASTER, SALT_A, idea, b"ballot")
    with pytest.raises(SealError):
        keyring.open(SALT_A, idea)  # opened as a ballot
    ballot = keyring.seal(SALT_A, '{"p":[0]}', 16)
    with pytest.raises(SealError):
        keyring.open(SALT_A, ballot, b"idea")


def test_what_cannot_be_opened_says_why():
    keyring = Keyring(MASTER)
    sealed = keyring.seal(SALT_A, '{"p":[0]}', 16)
    with pytest.raises(SealError) as ended:
        keyring.open(None, sealed)
    assert str(ended.value) == "This poll's votes can no longer be read: it has already ended."
    for broken in (sealed[:-8], PREFIX + "!!not base64!!", PREFIX + "AAAA", PREFIX):
        with pytest.raises(SealError) as changed:
            keyring.open(SALT_A, broken)
        assert str(changed.value) == (
            "The votes in this poll cannot be read, because the bot's secret key has "
            "changed since they were cast. Nothing was lost. Ask whoever runs Roundtable "
            "to put back the key it had (ROUNDTABLE_SECRET or the key file), then try "
            "again in a few minutes.")
    # A plain text (a closed poll's ballot, or one from before sealing) comes back as it is.
    assert keyring.open(None, '{"p":[0]}') == '{"p":[0]}'
    assert keyring.open(SALT_A, "s2:whatever") == "s2:whatever"


# -- sealed sizes: room for the longest ballot, in whole AES blocks --------------------------


def _spec(kind: PollKind, options: int, dots: int | None = None) -> PollSpec:
    method = {PollKind.RANKED: Method.IRV, PollKind.CONSENT: Method.CONSENT}.get(
        kind, Method.PLURALITY)
    return PollSpec(question="Q?", options=tuple(f"O{i}" for i in range(options)),
                    kind=kind, method=method, dots=dots)


def _blocks(json_text: str) -> int:
    needed = 2 + len(json_text.encode("utf-8"))
    return (needed + 15) // 16 * 16


@pytest.mark.parametrize(("kind", "options", "dots", "widest"), [
    (PollKind.CHOICE, 2, None, '{"p":[1]}'),
    (PollKind.CHOICE, 20, None, '{"p":[19]}'),
    (PollKind.RANKED, 3, None, '{"p":[0,1,2]}'),          # 15 bytes: one block
    (PollKind.RANKED, 4, None, '{"p":[0,1,2,3]}'),        # 17 bytes: two
    (PollKind.MULTI, 5, None, '{"p":[0,1,2,3,4]}'),
    (PollKind.MULTI, 20, None, '{"p":[' + ",".join(map(str, range(20))) + "]}"),
    (PollKind.SCORE, 3, None, '{"s":[[0,5],[1,5],[2,5]]}'),
    (PollKind.DOTS, 3, 2, '{"s":[[0,5],[1,5],[2,5]]}'),   # never less than a score's 5
    (PollKind.DOTS, 3, 100, '{"s":[[0,100],[1,100],[2,100]]}'),  # 33 bytes: three blocks
])
def test_sealed_size_is_the_longest_ballot_in_whole_blocks(kind, options, dots, widest):
    assert sealed_size(_spec(kind, options, dots)) == _blocks(widest)


def test_known_sealed_sizes():
    assert sealed_size(_spec(PollKind.CONSENT, 2)) == 2048  # docs: room for a 500-character reason
    assert sealed_size(_spec(PollKind.RANKED, 3)) == 16
    assert sealed_size(_spec(PollKind.RANKED, 4)) == 32
    assert sealed_size(_spec(PollKind.DOTS, 3, 100)) == 48


# -- the keyring itself --------------------------------------------------------------------


def test_the_master_secret_needs_32_bytes():
    with pytest.raises(ValueError, match=r"^the master secret must be at least 32 bytes$"):
        Keyring(bytes(31))
    assert Keyring(bytes(range(32))).voter_tag(SALT_A, MEMBER).hex() == TAG_A_HEX
    longer = bytes(range(40))
    assert Keyring(longer).voter_tag(SALT_A, MEMBER) == _tag(longer, SALT_A, MEMBER)


def test_a_salt_is_32_fresh_random_bytes():
    salts = {new_salt() for _ in range(50)}
    assert len(salts) == 50 and {len(salt) for salt in salts} == {32}


def test_the_keyring_never_shows_its_secret():
    assert repr(Keyring(MASTER)) == "Keyring(<secret>)"
    assert str(Keyring(MASTER)) == "Keyring(<secret>)"


def test_a_long_running_bot_holds_a_bounded_number_of_poll_keys():
    # One key (and one cipher) per poll is cached; after hundreds of polls the cache has been
    # emptied and refilled, not grown, and every answer is still right.
    keyring = Keyring(MASTER)
    salts = [n.to_bytes(32, "big") for n in range(300)]
    for salt in salts:
        assert keyring.voter_tag(salt, MEMBER) == _tag(MASTER, salt, MEMBER)
        assert keyring.open(salt, keyring.seal(salt, "x", 16)) == "x"
        assert len(keyring._keys) <= 256 and len(keyring._aeads) <= 256
    assert keyring.voter_tag(salts[0], MEMBER) == _tag(MASTER, salts[0], MEMBER)


def test_the_promise_told_to_voters_is_the_documented_one():
    doc = (Path(__file__).parents[2] / "docs" / "anonymity.md").read_text(encoding="utf-8")
    quoted = " ".join(line.removeprefix("> ").strip() for line in doc.splitlines()
                      if line.startswith(">"))
    assert quoted == PROMISE_FULL


# -- the running core stores exactly these values ----------------------------------------------


def _db(db_url: str) -> sqlite3.Connection:
    return sqlite3.connect(Path(db_url.split("///", 1)[1]))


async def test_the_core_stores_documented_tags_and_sealed_ballots(driver, db_url):
    await driver.say('poll "Tea or coffee?" "Tea" "Coffee"')
    await driver.say('poll "Where?" "Park" "Library" "Pier"')
    await driver.say("bob: vote #1 Coffee")
    await driver.say("bob: vote #2 Pier")
    conn = _db(db_url)
    try:
        salts = dict(conn.execute("SELECT poll_id, salt FROM poll_secret"))
        rows = conn.execute("SELECT poll_id, voter_tag, ballot FROM ballot ORDER BY poll_id"
                            ).fetchall()
    finally:
        conn.close()
    assert len(salts) == 2 and salts[1] != salts[2]
    bob = "console:local:bob"
    (p1, tag1, sealed1), (p2, tag2, sealed2) = rows
    assert (p1, p2) == (1, 2)
    assert tag1 == _tag(SECRET, salts[1], bob) and tag2 == _tag(SECRET, salts[2], bob)
    assert tag1 != tag2  # bob's two votes cannot be lined up
    assert _unseal(SECRET, salts[1], sealed1) == _body('{"p":[1]}', 16)
    assert _unseal(SECRET, salts[2], sealed2) == _body('{"p":[2]}', 16)
    with pytest.raises(InvalidTag):
        _unseal(SECRET, salts[1], sealed2)
    # A second vote replaces the first under the same tag.
    await driver.say("bob: vote #1 Tea")
    conn = _db(db_url)
    try:
        again = conn.execute("SELECT voter_tag, ballot FROM ballot WHERE poll_id = 1").fetchall()
    finally:
        conn.close()
    assert [(tag, _unseal(SECRET, salts[1], sealed)) for tag, sealed in again] == [
        (tag1, _body('{"p":[0]}', 16))]


async def test_the_core_stores_ideas_sealed_with_keyed_duplicates_check(driver, db_url):
    await driver.say('ideas "What next?"')
    await driver.say('bob: idea #1 "Peer-led workshops"')
    conn = _db(db_url)
    try:
        (salt,) = conn.execute("SELECT salt FROM poll_secret WHERE poll_id = 1").fetchone()
        ideas = conn.execute("SELECT text, folded FROM idea WHERE poll_id = 1").fetchall()
        authors = [row[0] for row in conn.execute("SELECT tag FROM idea_author")]
    finally:
        conn.close()
    [(sealed, folded)] = ideas
    assert _unseal(SECRET, salt, sealed, b"idea") == _body("Peer-led workshops", IDEA_SIZE)
    assert folded == _keyed(SECRET, salt, "peer-led workshops")
    assert authors == [_tag(SECRET, salt, "console:local:bob")]
