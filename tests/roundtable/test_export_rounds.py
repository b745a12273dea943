"""``roundtable export decisions`` keeps the chain of rounds of an amended proposal."""

from __future__ import annotations

import csv
import io
import json

import pytest

from roundtable.cli import main

SCRIPT = """\
propose "Move the meeting to Thursdays" --closes 2d
alice: vote #1 agree
bob: vote #1 block it clashes with school pick-up
close #1
amend #1 "Move the meeting to Thursday evenings"
alice: vote #2 agree
bob: vote #2 agree
close #2
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_export_shows_which_round_followed_which(workdir, capsys):
    (workdir / "rounds.txt").write_text(SCRIPT)
    assert main(["console", "--script", "rounds.txt"]) == 0
    assert "Round 2 of proposal #1" in capsys.readouterr().out

    assert main(["export", "decisions", "--format", "json"]) == 0
    exported = {d["poll"]: d for d in json.loads(capsys.readouterr().out)}
    assert {n: (d["round"], d["follows"], d["amended_as"]) for n, d in exported.items()} == {
        1: (1, None, 2), 2: (2, 1, None)}
    assert exported[2]["outcome"]["summary"] == "Passed."

    assert main(["export", "decisions", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["poll"]: (r["round"], r["follows"], r["amended_as"]) for r in rows} == {
        "1": ("1", "", "2"), "2": ("2", "1", "")}
    assert all("bob" not in ",".join(r.values()) for r in rows)
