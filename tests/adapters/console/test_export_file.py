"""export contributions in the playground: the file is saved whole, privately, and its
path is printed; it holds what `roundtable export contributions --format csv` holds."""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.console.playground import Playground
from bot.voices.involvement import CSV_COLUMNS
from roundtable.cli import main
from tests.conftest import Driver


@pytest.fixture
async def room(core, clock, tmp_path) -> Driver:
    lines: list[str] = []
    playground = Playground(core, clock, ["alice", "bob"], write=lines.append,
                            files=tmp_path)
    await playground.start()
    return Driver(playground, lines)


def _saved(out: str) -> Path:
    line = next(line for line in out.splitlines() if "Saved to: " in line)
    return Path(line.split("Saved to: ", 1)[1])


async def test_the_file_is_saved_for_the_facilitator_and_its_path_shown(room, tmp_path):
    await room.say('bob: say "hello"')
    out = await room.say("export contributions")
    assert "[private file for alice: contributions-playground-" in out
    assert "The record of who took part" in out and "1 person took part" in out
    path = _saved(out)
    assert path.parent == tmp_path.resolve() and path.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[1][1] == "console:local:bob"
    # It names people: only its owner may read it. No temporary file is left behind.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("roundtable.db")
            ] == [path.name]
    # The bytes are saved, never printed.
    assert "console:local:bob" not in out


async def test_someone_else_is_refused_and_nothing_is_saved(room, tmp_path):
    out = await room.say("bob: export contributions")
    assert "[private to bob]" in out and "Only a facilitator" in out
    assert not list(tmp_path.glob("*.csv"))


async def test_a_file_that_cannot_be_saved_says_so_and_leaves_nothing(room, tmp_path,
                                                                    monkeypatch):
    room.playground.files = tmp_path / "missing"
    out = await room.say("export contributions")
    assert "The file was not saved" in out and "Nothing was saved" in out
    assert "Saved to" not in out and "[private file" not in out
    assert not (tmp_path / "missing").exists()
    # The disk fills up half-way through: no part-written file, under any name.
    room.playground.files = tmp_path

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("adapters.console.files.os.fsync", full)
    out = await room.say("export contributions")
    assert "The file was not saved" in out and "No space left" in out
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("roundtable.db")] == []


SCRIPT = """\
poll "Where should PeerFest be?" "Library" "Park" --closes 2d
bob: vote #1 Park
bob: say "I can bring chairs"
carol: say --reply "yes"
carol: payments off
clock +3d
export contributions --from {first} --to {last}
bob: export contributions
"""


def test_the_chat_file_equals_the_command_line_export(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=1), today + timedelta(days=5)
    (tmp_path / "demo.txt").write_text(SCRIPT.format(first=first, last=last))
    assert main(["console", "--script", "demo.txt"]) == 0
    out = capsys.readouterr().out
    assert "Only a facilitator" in out
    [saved] = tmp_path.glob("contributions-*.csv")
    assert saved == _saved(out)
    assert main(["export", "contributions", "--format", "csv", "--from", str(first),
                 "--to", str(last)]) == 0
    exported = capsys.readouterr().out
    # One space in this database, so not only the columns: every row is the same.
    assert saved.read_bytes().decode("utf-8") == exported
    assert next(csv.reader(io.StringIO(exported))) == list(CSV_COLUMNS)
    assert exported.count("\n") == 4  # the headings, alice, bob and carol
