#!/usr/bin/env python3
"""Set up a local virtual environment (.venv) and run Roundtable or its tests.

    python3 dev.py run        # set up, then start the bot (the playground without credentials)
    python3 dev.py test       # set up, then lint and run the whole test suite
    python3 dev.py console --script examples/peerfest.txt   # any other roundtable command

Only the Python standard library is used here, so this works on a fresh machine with
Python 3.11. The environment is made once and reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must explain itself on old Pythons
        sys.exit("Roundtable needs Python 3.11 or newer; this is " + sys.version.split()[0])
    if not _python().exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}-{extras or 'runtime'}"
    # The dev install includes everything the runtime needs.
    if stamp.exists() or (not extras and (VENV / f".installed-{digest}-dev").exists()):
        return
    print(f"Installing Roundtable and its dependencies ({extras or 'runtime'}) ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(_python()), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-e", target], cwd=ROOT, check=True)
    for old in VENV.glob(".installed-*"):
        if not old.name.startswith(f".installed-{digest}-"):
            old.unlink()
    stamp.touch()


def main(argv: list[str]) -> int:
    """Dispatch: ``test``, ``run`` or any ``roundtable`` subcommand."""
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command == "test":
        ensure_venv("dev")
        lint = subprocess.run([str(_python()), "-m", "ruff", "check", "."], cwd=ROOT)
        tests = subprocess.run([str(_python()), "-m", "pytest", *rest], cwd=ROOT)
        return tests.returncode or lint.returncode
    ensure_venv("")
    return subprocess.run([str(BIN / "roundtable"), command, *rest]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
