"""The master secret is refused when it is weak or other people can read it (issue 11)."""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path

import pytest

from roundtable.cli import main
from roundtable.config import ConfigError
from roundtable.keyfile import load_master_secret

STRONG = hashlib.sha256(b"roundtable test secret").hexdigest()
SCRIPT = 'poll "Tea or coffee?" "Tea" "Coffee"\n'


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "demo.txt").write_text(SCRIPT)
    return tmp_path


def _key(path: Path, text: str, mode: int) -> Path:
    path.write_text(text + "\n")
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused_with_the_fix(workdir, mode):
    key = _key(workdir / "roundtable.key", STRONG, mode)
    with pytest.raises(ConfigError) as raised:
        load_master_secret({}, key)
    message = str(raised.value)
    assert str(key.resolve()) in message
    assert f"chmod 600 {key.resolve()}" in message
    assert STRONG not in message
    # Refused, not repaired behind the operator's back.
    assert stat.S_IMODE(os.stat(key).st_mode) == mode


def test_an_owner_only_key_file_is_used(workdir):
    key = _key(workdir / "roundtable.key", STRONG, 0o600)
    assert load_master_secret({}, key) == bytes.fromhex(STRONG)
    os.chmod(key, 0o400)
    assert load_master_secret({}, key) == bytes.fromhex(STRONG)


def test_cli_refuses_a_readable_key_file_cleanly(workdir, capsys):
    key = _key(workdir / "roundtable.key", STRONG, 0o644)
    assert main(["console", "--script", "demo.txt"]) == 1
    captured = capsys.readouterr()
    assert f"chmod 600 {key.resolve()}" in captured.err
    assert "Traceback" not in captured.err and STRONG not in captured.err + captured.out
    assert not (workdir / "roundtable.db").exists()


WEAK = {
    "all zeros": "00" * 32,
    "one repeated byte": "ab" * 32,
    "a short pattern repeated": "deadbeef" * 8,
    "two bytes alternating": "a5c3" * 16,
    "too short": STRONG[:62],
    "hex with spaces": " ".join(STRONG[i:i + 2] for i in range(0, 64, 2)),
    "hex with a space in the middle": STRONG[:32] + " " + STRONG[32:],
    "a 0x prefix": "0x" + STRONG,
    "a stray character": STRONG[:-1] + "g",
    "an odd number of digits": STRONG + "a",
    "a passphrase": "correct horse battery staple correct horse battery",
}


@pytest.mark.parametrize("what", list(WEAK))
def test_weak_or_malformed_secrets_are_refused_from_the_environment(workdir, what):
    with pytest.raises(ConfigError, match="ROUNDTABLE_SECRET") as raised:
        load_master_secret({"ROUNDTABLE_SECRET": WEAK[what]}, "unused.key")
    assert WEAK[what] not in str(raised.value)
    assert not (workdir / "unused.key").exists()


@pytest.mark.parametrize("what", list(WEAK))
def test_weak_or_malformed_secrets_are_refused_from_a_key_file(workdir, what):
    key = _key(workdir / "roundtable.key", WEAK[what], 0o600)
    with pytest.raises(ConfigError, match=r"roundtable\.key"):
        load_master_secret({}, key)


def test_cli_refuses_a_weak_secret_cleanly(workdir, capsys, monkeypatch):
    monkeypatch.setenv("ROUNDTABLE_SECRET", "00" * 32)
    assert main(["console", "--script", "demo.txt"]) == 1
    captured = capsys.readouterr()
    assert "ROUNDTABLE_SECRET" in captured.err and "secrets.token_hex(32)" in captured.err
    assert "Traceback" not in captured.err


def test_real_secrets_always_pass():
    # At least 16 distinct byte values in 32 random bytes fails with probability about
    # 3e-17, so these never fail.
    for _ in range(500):
        value = secrets.token_hex(32)
        assert load_master_secret({"ROUNDTABLE_SECRET": value}, "unused.key") == \
            bytes.fromhex(value)
    assert load_master_secret({"ROUNDTABLE_SECRET": secrets.token_hex(64)}, "unused.key")
    # Surrounding whitespace (a trailing newline from `echo`) is not a problem.
    assert load_master_secret({"ROUNDTABLE_SECRET": f"  {STRONG.upper()}\n"}, "unused.key") \
        == bytes.fromhex(STRONG)


def test_a_made_key_file_is_strong_and_owner_only(workdir):
    key = workdir / "keys" / "roundtable.key"
    made = load_master_secret({}, key)
    assert len(made) == 32 and len(set(made)) >= 16
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert load_master_secret({}, key) == made
