"""The core stays platform-neutral: bot/ imports no platform library and no ORM."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"slack_bolt", "slack_sdk", "discord", "sqlmodel", "sqlalchemy", "aiosqlite",
             "asyncpg", "storage", "adapters", "roundtable"}


def test_bot_imports_nothing_from_platforms_storage_or_wiring():
    core = Path(__file__).resolve().parents[2] / "bot"
    offenders = []
    for path in core.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
