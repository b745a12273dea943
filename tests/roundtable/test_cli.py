"""The roundtable command as an operator uses it: config checks, scripts, export, the key."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from roundtable.cli import main
from roundtable.config import ConfigError, load_config
from roundtable.keyfile import load_master_secret

SCRIPT = """\
# PeerFest venue
poll "Where should PeerFest be?" "Library" "Park" "Town hall" --kind ranked --closes 2d
alice: vote #1 2 1
bob: vote #1 Park
carol: vote #1 3 2 1
clock +3d
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_script_then_export_holds_aggregates_only(workdir, capsys):
    (workdir / "demo.txt").write_text(SCRIPT)
    assert main(["console", "--script", "demo.txt"]) == 0
    out = capsys.readouterr().out
    assert "Outcome of #1: Where should PeerFest be?" in out and "Park wins." in out
    assert (workdir / "roundtable.db").exists()

    assert main(["export", "decisions", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [d["question"] for d in exported] == ["Where should PeerFest be?"]
    decision = exported[0]
    assert decision["outcome"]["winners"] == ["Park"]
    assert decision["outcome"]["voted"] == 3 and decision["outcome"]["eligible"] == 3
    assert "voters" not in decision["outcome"]
    text = json.dumps(decision).replace(decision["space"], "")
    assert "alice" not in text and "bob" not in text and "console:local:" not in text

    assert main(["export", "decisions", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("space,poll,question")
    assert "Park wins." in rows[1] and "alice" not in rows[1]


def test_key_file_is_created_private_and_never_in_the_database(workdir, capsys):
    (workdir / "demo.txt").write_text(SCRIPT)
    main(["console", "--script", "demo.txt"])
    key = workdir / "roundtable.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    secret = key.read_text().strip()
    dump = "\n".join(sqlite3.connect(workdir / "roundtable.db").iterdump())
    assert secret not in dump
    # The same key is used on the next run.
    assert load_master_secret({}, key) == bytes.fromhex(secret)


def test_secret_from_the_environment_wins_and_is_checked(workdir):
    strong = bytes(range(32))
    assert load_master_secret({"ROUNDTABLE_SECRET": strong.hex()}, "unused.key") == strong
    assert not (workdir / "unused.key").exists()
    with pytest.raises(ConfigError, match="64 hexadecimal digits"):
        load_master_secret({"ROUNDTABLE_SECRET": "not-a-secret"}, "unused.key")


def test_config_errors_name_the_key(workdir, capsys):
    (workdir / "bad.toml").write_text(
        '[space]\ntimezone = "Mars/Base"\n[storage]\nurl = "mysql://x"\n[slak]\nmode = "http"\n')
    assert main(["run", "--config", "bad.toml"]) == 2
    err = capsys.readouterr().err
    assert "space.timezone: 'Mars/Base' is not a known time zone" in err
    assert "storage.url:" in err
    assert "slak: is not a setting Roundtable knows" in err


def test_config_file_missing_or_not_toml(workdir):
    with pytest.raises(ConfigError, match="no such file"):
        load_config("nowhere.toml")
    (workdir / "broken.toml").write_text("[space\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config("broken.toml")


def test_example_config_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    config = load_config(example)
    assert config.reminders.seconds() == (86400, 3600)


def test_run_without_credentials_opens_the_playground(workdir, capsys, monkeypatch):
    with open(os.devnull) as devnull:
        monkeypatch.setattr("sys.stdin", devnull)
        assert main(["run"]) == 0
    assert "Roundtable playground" in capsys.readouterr().out


def test_run_with_half_the_slack_settings_names_what_is_missing(workdir, capsys, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-sentinel-token")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    assert "SLACK_APP_TOKEN is not set" in captured.err
    assert "xoxb-sentinel-token" not in captured.err + captured.out


@pytest.mark.parametrize("url", ["sqlite:///x.db", "x.db", "postgres://user:pw@host/db",
                                 "postgresql://user@host/db"])
def test_a_database_url_it_cannot_use_is_refused_plainly(workdir, capsys, url):
    assert main(["console", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("roundtable: ") and "Traceback" not in err
    assert "sqlite+aiosqlite:///path.db" in err
    assert "postgresql+asyncpg://user:password@host/db" in err
    assert not (workdir / "x.db").exists()
