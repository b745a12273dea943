"""The examples a newcomer is pointed to really work: README.md's playground lines and
the scripts in examples/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.console.playground import Playground
from bot.anonymity import Keyring
from bot.ports import FakeClock
from bot.service import Roundtable, Settings
from roundtable.cli import main
from tests.conftest import SECRET, START

ROOT = Path(__file__).resolve().parents[3]
_PROMPT = re.compile(r"^([A-Za-z][\w.-]*)> (.*)$")


def readme_playground_lines() -> list[tuple[str, str]]:
    """(prompt, line) for each line of the code block in README.md's "The playground"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The playground\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        match = _PROMPT.match(line)
        assert match, f"README playground line without a 'name> ' prompt: {line!r}"
        lines.append((match.group(1), match.group(2)))
    return lines


@pytest.mark.parametrize("day", range(7))  # started on each day of the week
async def test_readme_playground_example_closes_the_poll(store, day):
    clock = FakeClock(START + timedelta(days=day, hours=day * 2))
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    out: list[str] = []
    playground = Playground(core, clock, ["alice", "bob", "carol"], write=out.append)
    await playground.start()
    for prompt, line in readme_playground_lines():
        # The prompt the README shows is the one the playground would show.
        assert prompt == playground.current, line
        await playground.run_line(line)
    text = "\n".join(out)
    assert "That didn't work" not in text
    assert "Outcome of #1: Where should PeerFest be?" in text
    assert "#1 Where should PeerFest be? — " in text.split("Decision log", 1)[1]


def test_peerfest_example_script_runs_to_its_outcome(tmp_path, monkeypatch, capsys):
    # Run from a scratch folder (the key file is made there) that sees the real examples/.
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROUNDTABLE_SECRET", raising=False)
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    db = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    assert main(["console", "--script", "examples/peerfest.txt", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "That didn't work" not in out
    assert "Outcome of #2: What should PeerFest focus on?" in out
    outcome = out.split("Outcome of #2", 1)[1]
    assert "A shared lunch wins." in outcome and "It also won in every group" in outcome
    assert "Reminder: #2 in #playground closes in 1 day" in out
    assert "#2 now closes later" in out  # more-time, then extend
    assert "#2 What should PeerFest focus on? — A shared lunch wins." in out  # decisions
    assert "Your record in #playground" in out and "Involvement payments: no" in out  # me
