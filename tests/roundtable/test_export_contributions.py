"""roundtable export contributions, as an operator runs it for an involvement-payment scheme."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from roundtable.cli import main

SCRIPT = """\
poll "Where should PeerFest be?" "Library" "Park" --closes 2d
bob: vote #1 Park
bob: vote #1 Library
bob: say "I can bring chairs"
bob: say --reply "yes"
carol: say "count me in"
carol: payments off
clock +3d
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    (tmp_path / "demo.txt").write_text(SCRIPT)
    assert main(["console", "--script", "demo.txt"]) == 0
    return tmp_path


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_csv_has_counts_per_member_and_payments(workdir, capsys):
    capsys.readouterr()
    # Taking part in the poll is credited when it closes: three days on, by the script's clock.
    closed_on = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    assert main(["export", "contributions", "--format", "csv", "--to", closed_on]) == 0
    rows = {row["member"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    bob, carol = rows["console:local:bob"], rows["console:local:carol"]
    assert (bob["messages"], bob["replies"], bob["took_part_in_decisions"]) == ("1", "1", "1")
    assert (bob["display_name"], bob["payments"]) == ("bob", "not asked")
    assert (carol["messages"], carol["payments"]) == ("1", "no")
    assert "Park" not in str(rows) and "chairs" not in str(rows)


def test_json_names_the_period(workdir, capsys):
    capsys.readouterr()
    assert main(["export", "contributions", "--from", "2020-01-01", "--to", _today()]) == 0
    data = json.loads(capsys.readouterr().out)
    # bob and carol spoke; alice started the poll (counted as taking part too).
    assert data["from"] == "2020-01-01" and len(data["members"]) == 3
    alice = next(m for m in data["members"] if m["member"] == "console:local:alice")
    assert alice["started"] == 1


def test_a_period_with_nothing_in_it_and_bad_dates(workdir, capsys):
    capsys.readouterr()
    old = (datetime.now(UTC) - timedelta(days=400)).date().isoformat()
    assert main(["export", "contributions", "--format", "csv", "--to", old]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the header only
    assert main(["export", "contributions", "--from", _today(), "--to", old]) == 2
    assert "is after --to" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "contributions", "--from", "last tuesday"])
    assert "is not a date" in capsys.readouterr().err
    assert main(["export", "decisions", "--from", old]) == 2
